from transformers import GPT2Tokenizer, GPT2LMHeadModel
import torch


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    # 数据预处理
    text = prompt

    # 生成文本
    input_ids = tokenizer.encode(text, return_tensors='pt')
    output = model.generate(input_ids, max_length=50, num_return_sequences=1, temperature=0.95)

    # 后处理
    generated_text = tokenizer.decode(output[0], skip_special_tokens=True)
    print(generated_text)
    return generated_text
