# ruff: noqa
# The snippet of post 003, 算法编程题库 4 ("使用图像生成模型生成人脸图片"), shaped into the exercise's
# functions with its bugs kept: the imports of torchvision and of the nonexistent gan_model package,
# the unused preprocessing pipeline, the noise put on CUDA, the invented model.generate API, and a
# post-processing that uses np and plt without importing them and casts to uint8 without clipping.
import torch
from torch.utils.data import DataLoader
from torchvision import transforms
from torchvision.datasets import ImageFolder
import torch.nn as nn
from gan_model import GANModel

# 数据预处理
transform = transforms.Compose([
    transforms.Resize((256, 256)),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5]),
])

Generator = GANModel


def load_generator(path, **kwargs):
    # 加载图像生成模型
    model = GANModel()
    model.load_state_dict(torch.load(path))
    model.eval()
    return model


def save_generator(generator, path):
    torch.save(generator.state_dict(), path)


def sample_images(generator, n, latent_dim, seed=None):
    # 生成人脸图片
    model = generator
    with torch.no_grad():
        z = torch.randn(1, 128).cuda()
        generated_images = model.generate(z, num_images=1, image_size=256)
    return generated_images


def to_uint8_images(generated_images):
    # 后处理
    generated_images = generated_images.cpu().numpy()
    images = []
    for img in generated_images:
        img = (img + 1) / 2
        img = img.transpose(1, 2, 0)
        img = img * 255
        img = img.astype(np.uint8)
        plt.imshow(img)
        plt.show()
        images.append(img)
    return images
