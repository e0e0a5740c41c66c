from __future__ import annotations

import pytest

from tunekit.errors import InvalidValueError, UnknownNameError
from tunekit.hypermodels import get_family
from tunekit.records.layout import REFERENCE_SPACE
from tunekit.tuning.plan import one_factor_plan

MLP = get_family("mlp")


def test_width_plan_is_reference_then_the_three_other_widths():
    plan = one_factor_plan(MLP.resolve_spaces("width"), MLP.reference)
    assert [v.label for v in plan] == [
        "reference",
        "widths=50-50-50",
        "widths=10-30-100",
        "widths=500-250-50",
    ]
    assert plan[0].values == MLP.reference
    assert plan[1].values == {**MLP.reference, "widths": "50-50-50"}


def test_all_spaces_train_the_reference_once():
    plan = one_factor_plan(MLP.resolve_spaces("all"), MLP.reference)
    labels = [v.label for v in plan]
    assert labels.count(REFERENCE_SPACE) == 1
    assert len({v.key for v in plan}) == len(plan)
    # 10 spaces, the seed's values, minus each space's reference value.
    assert len(plan) == 1 + sum(len(s.values) - 1 for s in MLP.spaces.values())


def test_seed_values_are_exactly_the_seed_studys():
    spaces = {name: space.values for name, space in MLP.spaces.items()}
    assert spaces["dropout"] == (0.0, 0.2, 0.5, 0.9)
    assert spaces["batch_size"] == (32, 100, 500, 1000)
    assert spaces["depth"] == (1, 3, 10, 100)
    assert len(spaces) == 10


def test_reference_override_is_typed_and_joins_its_space():
    reference = MLP.reference_with({"widths": "300-100", "depth": "2"})
    assert reference["depth"] == 2
    plan = one_factor_plan(MLP.resolve_spaces("depth"), reference)
    assert [v.value for v in plan[1:]] == [1, 3, 10, 100]


@pytest.mark.parametrize("names", ["nope", "width,nope", ""])
def test_unknown_space_names_the_known_ones(names):
    with pytest.raises(UnknownNameError, match="Known spaces"):
        MLP.resolve_spaces(names)


def test_bad_override_type_is_refused():
    with pytest.raises(InvalidValueError, match="batch_size"):
        MLP.reference_with({"batch_size": "many"})
