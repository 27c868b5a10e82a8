# ruff: noqa
# The seed snippet (001-#2, "how is a large model trained?": a Keras MLP), shaped to the exercise API.
# Its bugs are kept: the model is built from input_shape=(input_shape,), compiled with categorical
# cross-entropy whatever the labels are, and the snippet's own top-level code (kept at the end) uses
# input_shape, num_classes, x_train, y_train, x_val and y_val, which are never defined.
# 假设我们使用 TensorFlow 和 Keras 进行训练
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense


def build_mlp(input_shape, num_classes, hidden_units=512):
    # 模型初始化
    model = Sequential()
    model.add(Dense(units=512, activation='relu', input_shape=(input_shape,)))
    model.add(Dense(units=num_classes, activation='softmax'))

    # 编译模型
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    # 训练模型
    return model.fit(x_train, y_train, epochs=10, batch_size=64, validation_data=(x_val, y_val))


def predict_classes(model, x):
    # The snippet never predicts anything.
    raise NotImplementedError


# 数据预处理
# ...

# The snippet's top level, as printed: every name below is a placeholder that is never defined.
model = build_mlp(input_shape, num_classes)
model.fit(x_train, y_train, epochs=10, batch_size=64, validation_data=(x_val, y_val))
