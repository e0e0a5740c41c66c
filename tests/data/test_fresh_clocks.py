"""New training images every epoch: fresh clock sets, the rotation curriculum, turned files."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes
from tunekit.data.clocks import EASY, FULL, ClockRecipe, generate_clocks
from tunekit.data.fresh_clocks import FreshClocks, TurnedClocks, curriculum_rotation
from tunekit.data.turned_images import turn_images

RECIPE = ClockRecipe(n=50, image_size=24, seed=3, style=FULL)


def test_curriculum_is_upright_first_then_widens_to_any_angle() -> None:
    limits = [curriculum_rotation(epoch, 20) for epoch in range(20)]
    assert limits[:6] == [0.0] * 6  # the first quarter, epochs 0-5
    assert limits[6] == pytest.approx(36.0)
    assert limits[6:11] == sorted(limits[6:11])
    assert limits[10:] == [180.0] * 10  # from half-way on


def test_recipe_streams_are_new_sets_and_stream_zero_is_the_split() -> None:
    split_images, _ = generate_clocks(50, image_size=24, seed=3, style=FULL)
    one, labels_one = RECIPE.make(stream=1)
    assert not np.array_equal(one, split_images)
    assert np.array_equal(RECIPE.make(stream=1)[0], one)  # deterministic
    assert not np.array_equal(RECIPE.make(stream=2)[0], one)
    assert labels_one.shape == (50, 2)


def test_recipe_rotation_limit_gives_upright_clocks() -> None:
    upright = ClockRecipe(n=20, image_size=24, seed=1, style=replace(EASY, rotation=True))
    never_turned = ClockRecipe(n=20, image_size=24, seed=1, style=EASY)
    assert np.array_equal(upright.make(1, max_rotation=0.0)[0], never_turned.make(1)[0])
    assert not np.array_equal(upright.make(1)[0], never_turned.make(1)[0])


def test_fresh_clocks_batch_index_alone_picks_the_epoch_and_batch() -> None:
    limits = {0: 0.0, 1: 90.0}
    data = FreshClocks(RECIPE, lambda y: y[:, 0], batch_size=16, max_rotation=limits.get)
    assert data.steps_per_epoch == 4 and data.num_batches is None  # 50 images, batches of 16
    first = [data[i] for i in range(4)]
    assert [len(x) for x, _ in first] == [16, 16, 16, 2]
    second = data[4]  # the first batch of the next epoch: a new set
    assert not np.array_equal(second[0], first[0][0])
    images, labels = RECIPE.make(stream=2, max_rotation=90.0)
    assert np.array_equal(second[0], images[:16]) and np.array_equal(second[1], labels[:16, 0])
    assert np.array_equal(data[1][0], first[1][0])  # asked again (a prefetch): the same batch
    assert data.rotations == {0: 0.0, 1: 90.0}


def test_fresh_clocks_slices_every_head_of_dict_targets() -> None:
    data = FreshClocks(
        RECIPE,
        lambda y: {"hour": y[:, 0], "minute": y[:, 1:] / 60},
        batch_size=32,
        max_rotation=lambda epoch: 180.0,
        first_epoch=4,
    )
    images, targets = data[1]
    assert len(images) == len(targets["hour"]) == len(targets["minute"]) == 18
    assert np.array_equal(images, RECIPE.make(stream=5)[0][32:])


def _fit_tiny(data: FreshClocks, epochs: int = 3) -> list[float]:
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((24, 24)), keras.layers.Flatten(), keras.layers.Dense(12)]
    )
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(
        data, steps_per_epoch=data.steps_per_epoch, epochs=epochs, shuffle=False, verbose=0
    )
    return history.history["loss"]


def test_keras_fit_trains_each_epoch_on_its_own_set() -> None:
    limits = [0.0, 60.0, 180.0]

    def fresh() -> FreshClocks:
        return FreshClocks(
            RECIPE, lambda y: y[:, 0], batch_size=16, max_rotation=lambda e: limits[min(e, 2)]
        )

    data = fresh()
    first = _fit_tiny(data)
    assert len(first) == 3
    assert {0: 0.0, 1: 60.0, 2: 180.0}.items() <= data.rotations.items()
    # A second execution may share the source: it starts again from the first epoch's set.
    assert _fit_tiny(data) == first == _fit_tiny(fresh())


TURNABLE, TIMES = generate_clocks(50, image_size=24, seed=3, style=EASY)


def _turned(**kwargs) -> TurnedClocks:
    return TurnedClocks(TURNABLE, TIMES, lambda y: y * 10, batch_size=16, seed=5, **kwargs)


def test_turned_clocks_batch_index_alone_picks_the_epoch_and_batch() -> None:
    data = _turned()
    assert data.steps_per_epoch == 4 and data.num_batches is None  # 50 images, batches of 16
    first = [data[i] for i in range(4)]
    assert [len(x) for x, _ in first] == [16, 16, 16, 2]
    again = _turned()[1]  # another dataset, or the same batch asked again (a prefetch)
    assert np.array_equal(again[0], first[1][0]) and np.array_equal(again[1], first[1][1])
    assert np.array_equal(data[4][0], _turned(first_epoch=1)[0][0])
    next_epoch = np.concatenate([data[i][0] for i in range(4, 8)])
    assert not np.array_equal(next_epoch, np.concatenate([x for x, _ in first]))


def test_turned_clocks_turn_the_fixed_images_and_keep_their_labels() -> None:
    data = _turned(first_epoch=2)
    order, degrees = data.epoch_draws(2)
    images, targets = data[1]
    ids = order[16:32]
    assert np.array_equal(images, turn_images(TURNABLE[ids], degrees[16:32]))
    assert np.array_equal(targets, TIMES[ids] * 10)
    assert not np.array_equal(images, TURNABLE[ids])  # turned, not merely shuffled
    epoch = np.concatenate([data[i][1] for i in range(4)])  # every clock once, time unchanged
    # Whole times, not each column sorted on its own, which would pass for mixed-up pairs.
    read = np.sort(labels_to_minutes(epoch // 10))
    assert np.array_equal(read, np.sort(labels_to_minutes(TIMES)))
    assert degrees.min() >= 0.0 and degrees.max() < 360.0 and degrees.std() > 60


def test_turned_clocks_slice_every_head_of_dict_targets() -> None:
    data = TurnedClocks(
        TURNABLE, TIMES, lambda y: {"hour": y[:, 0], "minute": y[:, 1:] / 60}, 32, seed=0
    )
    images, targets = data[1]
    order, _ = data.epoch_draws(0)
    assert len(images) == len(targets["hour"]) == len(targets["minute"]) == 18
    assert np.array_equal(targets["hour"], TIMES[order[32:], 0])


def test_each_training_seed_draws_its_own_fresh_clocks() -> None:
    def first_batch(training_seed):
        data = FreshClocks(RECIPE, lambda y: y, 16, lambda e: 180.0, training_seed=training_seed)
        return data[0]

    seven, again, eight = first_batch(7), first_batch(7), first_batch(8)
    assert np.array_equal(seven[0], again[0]) and np.array_equal(seven[1], again[1])
    assert not np.array_equal(seven[0], eight[0])
    # Neither is the study's split (stream 0) nor the seedless stream of epoch 0.
    split, _ = RECIPE.make(stream=0)
    seedless, _ = RECIPE.make(stream=1)
    assert not np.array_equal(seven[0], split[:16]) and not np.array_equal(seven[0], seedless[:16])


def test_each_training_seed_turns_the_files_its_own_way() -> None:
    def draws(seed):
        return _turned().epoch_draws(0) if seed is None else TurnedClocks(
            TURNABLE, TIMES, lambda y: y, 16, seed=(5, seed)).epoch_draws(0)  # fmt: skip

    order_a, turns_a = draws(42)
    order_b, turns_b = draws(43)
    assert not np.array_equal(order_a, order_b) and not np.allclose(turns_a, turns_b)
    order_again, turns_again = draws(42)
    assert np.array_equal(order_a, order_again) and np.array_equal(turns_a, turns_again)
    # A lone number is the one-element tuple.
    assert np.array_equal(draws(None)[0], TurnedClocks(TURNABLE, TIMES, lambda y: y, 16,
                                                       seed=(5,)).epoch_draws(0)[0])  # fmt: skip
