# ruff: noqa
# The seed snippet (000-#9, "a Keras recommender model that generates personalised recommendations from
# user history"), shaped to the exercise API. Its bugs are kept: Flatten is never imported, the LSTM is
# applied to a flat (None, 128) vector, both embeddings are hard-wired to 1000 ids, the model never sees
# a history, and training uses train_* / test_* arrays that are never defined. The snippet produces no
# recommendations at all.
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Embedding, LSTM, Dense, Input, Concatenate

def build_recommender(num_users, num_items, history_len, embedding_dim=16):
    # User embedding layer
    user_input = Input(shape=(1,))
    user_embedding = Embedding(input_dim=1000, output_dim=64)(user_input)
    user_embedding = Flatten()(user_embedding)

    # Item embedding layer
    item_input = Input(shape=(1,))
    item_embedding = Embedding(input_dim=1000, output_dim=64)(item_input)
    item_embedding = Flatten()(item_embedding)

    # Concatenate user and item embeddings
    merged = Concatenate()([user_embedding, item_embedding])

    # LSTM layer
    lstm_output = LSTM(64)(merged)

    # Output layer
    output = Dense(1, activation='sigmoid')(lstm_output)

    # Define the model
    model = Model(inputs=[user_input, item_input], outputs=output)

    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    return model

def train_recommender(model, inputs, labels, epochs=5, batch_size=64):
    # Train the model
    model.fit([train_users, train_items], train_labels, batch_size=32, epochs=10)

    # Evaluate the model
    loss, accuracy = model.evaluate([test_users, test_items], test_labels, batch_size=32)
    print('Test accuracy:', accuracy)

def recommend_top_k(model, user_id, history, candidate_items, k):
    # The snippet never turns scores into recommendations.
    raise NotImplementedError
