"""What a model family is: a reference configuration, named spaces and a build function.

A family is plain data plus two functions. Building a model imports keras; reading
the spaces does not, so ``tunekit spaces`` and ``tunekit --help`` stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tunekit.errors import InvalidValueError, UnknownNameError
from tunekit.hypermodels._checks import Check

HPValue = int | float | str | bool


@dataclass(frozen=True)
class Space:
    """One named search space: a hyper-parameter and the values a study tries.

    Attributes:
        name: The name users type, e.g. ``widths``.
        hp: The hyper-parameter the space varies.
        values: The values tried, in the order they are reported.
        description: One line saying what the space changes.
    """

    name: str
    hp: str
    values: tuple[HPValue, ...]
    description: str


@dataclass(frozen=True)
class DataShape:
    """What a model needs to know about its data to be built."""

    input_shape: tuple[int, ...]
    num_classes: int


@dataclass(frozen=True)
class Family:
    """A model family: reference values, named spaces and how to build and fit a model.

    Attributes:
        name: Family name used on the command line.
        description: One line for ``tunekit spaces``.
        reference: The reference value of every hyper-parameter.
        spaces: Named spaces, in the order ``--space all`` runs them.
        build: ``build(values, shape)`` returns a compiled keras model.
        prepare_targets: ``prepare_targets(values, y, num_classes)`` encodes labels
            for the loss in ``values`` (for example one-hot for categorical losses).
        batch_size: ``batch_size(values)`` for ``model.fit``.
        objective: Metric the tuner optimises (a ``val_`` metric in the epoch logs).
        aliases: Other names accepted for a space.
        callbacks: ``callbacks(values, x_val, y_val, epochs)`` returns keras callbacks
            that add metrics (such as ``val_time_error``) to each epoch's logs, or steer
            the training (a learning-rate schedule over ``epochs``); ``y_val`` raw.
        evaluate: ``evaluate(model, values, x_test, y_test)`` returns the test metrics
            and extras to record; ``y_test`` raw. By default keras's ``evaluate``.
        worst_score: What keras-tuner is told when a trial has no finite score.
        train_data: ``train_data(values, data, epochs, initial_epoch, seed)`` returns a
            keras ``PyDataset`` to train on instead of the training split (for example
            fresh synthetic images each epoch, drawn with the training's ``seed``), or None
            to use the split.
        checks: What values each hyper-parameter accepts; one per reference key.
        metrics: The ``val_`` metrics its models log, which a study may optimise.
        fit: ``fit(values, model, x, y, **kwargs)`` trains a model its own way (a
            user's ``HyperModel.fit``), or None for tunekit's ``model.fit``.
        data_reference: ``data_reference(data_spec)`` returns reference values that suit
            where the data comes from (the clock family's recipe for fixed files); the
            user's own values win over them.
    """

    name: str
    description: str
    reference: Mapping[str, HPValue]
    spaces: Mapping[str, Space]
    build: Callable[[Mapping[str, Any], DataShape], Any]
    prepare_targets: Callable[[Mapping[str, Any], Any, int], Any]
    batch_size: Callable[[Mapping[str, Any]], int]
    objective: str = "val_accuracy"
    aliases: Mapping[str, str] = field(default_factory=dict)
    callbacks: Callable[[Mapping[str, Any], Any, Any, int], list[Any]] | None = None
    evaluate: Callable[[Any, Mapping[str, Any], Any, Any], tuple[dict, dict]] | None = None
    worst_score: float = 0.0
    train_data: Callable[[Mapping[str, Any], Any, int, int, int], Any] | None = None
    dataset: str = "fashion_mnist"  # what ``tunekit study`` trains on unless told otherwise
    checks: Mapping[str, Check] = field(default_factory=dict)
    metrics: tuple[str, ...] = ("val_loss", "val_accuracy")
    fit: Callable[..., Any] | None = None
    data_reference: Callable[[Any], Mapping[str, HPValue]] | None = None

    @property
    def direction(self) -> str:
        """``"min"`` for losses and errors, else ``"max"``."""
        return "min" if self.objective.endswith(("loss", "error")) else "max"

    def space(self, name: str) -> Space:
        """Return the space called ``name`` (or one of its aliases)."""
        key = self.aliases.get(name, name)
        if key not in self.spaces:
            known = ", ".join(self.spaces)
            raise UnknownNameError(
                f"Unknown space {name!r} for family {self.name!r}. Known spaces: {known}, all."
            )
        return self.spaces[key]

    def resolve_spaces(
        self,
        names: str | list[str] | tuple[str, ...],
        values: Iterable[tuple[str, Iterable[Any]]] = (),
    ) -> tuple[Space, ...]:
        """Turn ``"all"``, ``"a,b"`` or a list of names into spaces, in order, without repeats.

        ``values`` gives some of those spaces other values to try, as ``(space, values)``
        pairs (``--values``); each value is checked as a reference value would be.

        Raises:
            UnknownNameError: A name is no space of the family, or ``values`` names a
                space the study does not vary.
            InvalidValueError: A value the space's hyper-parameter cannot take, or no value.
        """
        values = tuple(values)
        resolved = self._named_spaces(names) if names or not values else []
        for name, given in values:
            space = self.space(name)
            if space not in resolved:
                raise UnknownNameError(
                    f"--values {name}: the study does not vary {name}; add it to the spaces "
                    f"({', '.join(s.name for s in resolved) or 'none given'})."
                )
            resolved[resolved.index(space)] = self._with_values(space, given)
        return tuple(resolved)

    def study_spaces(self, spec: Any) -> tuple[Space, ...]:
        """The spaces a study (a ``StudySpec``) varies; none in a one-factor study of none."""
        if not (spec.spaces or spec.space_values or spec.tuner.is_search):
            return ()
        return self.resolve_spaces(spec.spaces, spec.space_values)

    def _with_values(self, space: Space, given: Iterable[Any]) -> Space:
        """``space`` trying ``given`` instead, each converted and checked, without repeats."""
        example = self.reference.get(space.hp, space.values[0] if space.values else "")
        tried: list[HPValue] = []
        for value in given:
            try:
                value = coerce_like(value, example, space.hp)
                self.check(space.hp, value)
            except InvalidValueError as exc:
                raise InvalidValueError("values", space.name, exc.problem) from None
            if value not in tried:
                tried.append(value)
        if not tried:
            raise InvalidValueError("values", space.name, "needs at least one value")
        return replace(space, values=tuple(tried))

    def _named_spaces(self, names: str | list[str] | tuple[str, ...]) -> list[Space]:
        """The spaces ``names`` asks for, in order, without repeats."""
        if isinstance(names, str):
            names = [part.strip() for part in names.split(",") if part.strip()]
        if not names:
            raise UnknownNameError(
                "No space given: a search varies the spaces it is given. "
                f"Known spaces: {', '.join(self.spaces)}, all."
            )
        if "all" in names:
            return list(self.spaces.values())
        resolved: list[Space] = []
        for name in names:
            space = self.space(name)
            if space not in resolved:
                resolved.append(space)
        return resolved

    def reference_with(self, overrides: Mapping[str, Any]) -> dict[str, HPValue]:
        """Return the reference values with user overrides applied and checked.

        Raises:
            UnknownNameError: An override names no hyper-parameter of the family.
            InvalidValueError: An override's value has the wrong type or is out of range.
        """
        values = dict(self.reference)
        for hp, value in overrides.items():
            if hp not in values:
                known = ", ".join(values)
                raise UnknownNameError(
                    f"Unknown hyper-parameter {hp!r} for family {self.name!r}. Known: {known}."
                )
            values[hp] = coerce_like(value, values[hp], hp)
            self.check(hp, values[hp])
        return values

    def study_reference(
        self, data_spec: Any, overrides: Iterable[tuple[str, Any]] = ()
    ) -> dict[str, HPValue]:
        """The reference of a study on ``data_spec``: the family's, with the values that
        suit that data (``data_reference``), then the user's ``overrides``, checked."""
        suited = self.data_reference(data_spec) if self.data_reference is not None else {}
        return self.reference_with({**suited, **dict(overrides)})

    def check_objective(self, objective: str | None) -> None:
        """Refuse an objective the family's models do not log (None: the family's own).

        Raises:
            InvalidValueError: Naming the metrics that can be optimised.
        """
        if objective is not None and objective not in self.metrics:
            raise InvalidValueError(
                "search",
                "objective",
                f"must be a metric {self.name} models log: {', '.join(self.metrics)}; "
                f"got {objective!r}",
            )

    def check(self, hp: str, value: Any) -> None:
        """Refuse a value that ``hp`` cannot take.

        Raises:
            InvalidValueError: The value is of the wrong kind or out of range.
        """
        check = self.checks.get(hp)
        problem = check.problem(value) if check is not None else None
        if problem is not None:
            raise InvalidValueError("reference", hp, problem)


def coerce_like(value: Any, example: HPValue, hp: str) -> HPValue:
    """Convert a value typed on the command line to the type of ``example``."""
    if isinstance(value, bool) != isinstance(example, bool) and isinstance(value, bool):
        raise InvalidValueError("reference", hp, f"must be a {type(example).__name__}, got {value}")
    if isinstance(value, type(example)):
        return value
    text = str(value)
    try:
        if isinstance(example, bool):
            if text.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(text)
            return text.lower() in {"true", "1", "yes"}
        if isinstance(example, int):
            return int(text)
        if isinstance(example, float):
            return float(text)
    except ValueError:
        raise InvalidValueError(
            "reference", hp, f"must be a {type(example).__name__}, got {text!r}"
        ) from None
    return text
