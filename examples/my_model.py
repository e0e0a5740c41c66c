"""A keras-tuner build function, as in any keras-tuner script: tunekit studies it unchanged.

    python examples/make_data.py            # writes examples/tiny.npz
    tunekit spaces examples/my_model.py:build
    tunekit study examples/my_model.py:build --space all --data examples/tiny.npz \
        --val-size 200 --epochs 3

Each hyper-parameter is a space: hp.Choice's values, hp.Boolean's False and True, and
hp.Int/hp.Float's steps; the default of each is the reference model.
"""

import keras


def build(hp):
    """A small MLP for 28x28 images of 10 classes, compiled with an accuracy metric."""
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    # step= gives the values to try: 32, 64, 96, 128; the default is the reference.
    model.add(keras.layers.Dense(hp.Int("units", 32, 128, step=32, default=64), "relu"))
    if hp.Boolean("dropout", default=False):
        model.add(keras.layers.Dropout(0.25))
    model.add(keras.layers.Dense(10, activation="softmax"))
    learning_rate = hp.Choice("learning_rate", [1e-3, 3e-3, 1e-2], default=1e-3)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",  # labels arrive as class numbers
        metrics=["accuracy"],  # so tunekit optimises val_accuracy
    )
    return model
