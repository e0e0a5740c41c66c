"""One entry point for a study's data: IDX image sets or clocks, as train/val/test splits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunekit.config import CLOCK_IMAGE_SIZE, FILES_IMAGE_SIZE, ClockSplit, DataSpec
from tunekit.data._datasets import Dataset, Split, load_dataset
from tunekit.errors import InvalidValueError, TunekitError

if TYPE_CHECKING:
    import numpy as np

    from tunekit.data.clocks import ClockRecipe

CLOCK = "clock"


@dataclass(frozen=True, eq=False)
class ClockDataset:
    """Clock images (uint8, scaled inside the model) with [hour, minute] labels.

    It has the attributes a study uses from ``Dataset``; ``num_classes`` is 0 since the
    label representation is the model's choice. Generated clocks carry the recipe of
    their training split, from which a model may draw a fresh set every epoch, unless
    their split holds viewpoints out: every fresh set shows all of them.
    """

    train: Split
    val: Split
    test: Split
    fingerprint: str
    info: dict[str, Any]
    recipe: ClockRecipe | None = None  # None: no new images to make (see above)
    name: str = CLOCK
    num_classes: int = 0

    def describe(self) -> dict[str, Any]:
        """Plain metadata for the study's records."""
        return {"name": self.name, "fingerprint": self.fingerprint, **self.info}


def load_data(spec: DataSpec) -> Dataset | ClockDataset:
    """Load the data a study asks for.

    Clocks are generated (``clock_count``, ``image_size``, ``clock_style``,
    ``data_seed``) unless ``data_dir`` holds the course's ``images.npy`` and
    ``labels.npy``, which are area-averaged down to ``image_size`` (by default the
    shipped reader's 128 pixels) if they are larger. Either way the split
    (``clock_split``) is drawn with ``data_seed``. The user's own arrays (``file``)
    replace ``dataset`` (``tunekit.data.user_data``).
    """
    if spec.file is not None:
        from tunekit.data.user_data import load_user_data

        return load_user_data(spec)
    if spec.dataset != CLOCK:
        return load_dataset(
            spec.dataset,
            data_dir=spec.data_dir,
            subset=spec.subset,
            permute=spec.permute,
            validation_size=spec.validation_size,
        )
    if spec.permute is not None:
        raise TunekitError("--permute applies to MNIST-style images, not to clocks.")
    from tunekit.data.clock_files import load_clock_files, make_clock_data, split_clocks
    from tunekit.data.clocks import ClockRecipe, clock_style

    files: dict[str, Any] = {}
    if spec.data_dir is not None:
        images, labels = load_clock_files(spec.data_dir)
        files = {"file_image_size": int(images.shape[1])}
        size = spec.image_size or min(FILES_IMAGE_SIZE, int(images.shape[1]))
        images = _files_at_size(images, size, spec.data_dir)
        data = split_clocks(images, labels, seed=spec.data_seed, source=str(spec.data_dir))
    else:
        size = spec.image_size or CLOCK_IMAGE_SIZE
        data = make_clock_data(
            spec.clock_count, size, spec.data_seed, spec.clock_style, split=spec.clock_split
        )
    train_x, train_y = data.train
    if spec.subset is not None:
        if spec.subset > len(train_y):
            raise TunekitError(f"--subset {spec.subset} exceeds the {len(train_y)} train clocks.")
        train_x, train_y = train_x[: spec.subset], train_y[: spec.subset]
    # The course's files cannot make new images, and a fresh set of generated clocks
    # shows every viewpoint, the held-out ones too.
    recipe = None
    if spec.data_dir is None and spec.clock_split is ClockSplit.RANDOM:
        style = clock_style(spec.clock_style)
        recipe = ClockRecipe(len(train_y), data.image_size, spec.data_seed, style)
    info = {**data.describe(), **files, "subset": spec.subset, "style": spec.clock_style}
    info.pop("fingerprint", None)
    return ClockDataset(
        train=Split(train_x, train_y),
        val=Split(*data.val),
        test=Split(*data.test),
        fingerprint=data.fingerprint,
        info=info,
        recipe=recipe,
    )


def _files_at_size(images: np.ndarray, size: int, data_dir: Path) -> np.ndarray:
    """The course files' images at ``size``: area-averaged down as ``tunekit clocks read`` does.

    Raises:
        InvalidValueError: ``size`` is larger than the files' images; enlarging them
            would cost training time and add nothing.
    """
    side = int(images.shape[1])
    if size == side:
        return images
    if size > side:
        raise InvalidValueError(
            "data",
            "image_size",
            f"{size} is larger than the {side}x{side} images in {data_dir}; give {side} or "
            f"less (without it, files larger than {FILES_IMAGE_SIZE} pixels are brought to "
            f"{FILES_IMAGE_SIZE})",
        )
    from tunekit.data.image_files import fit_images

    return fit_images(images, (size, size))
