"""Image data sets: IDX files, the dataset registry, file search, loading, splitting, permutation.

Importing this package loads numpy only; keras is imported only when a download is needed.
"""

# clock data lives in tunekit.data.clocks / tunekit.data.clock_files (imported directly)

from __future__ import annotations

from tunekit.data._datasets import (
    DEBIAN_DATASETS_DIR,
    IDX_FILES,
    Dataset,
    DatasetSpec,
    Split,
    dataset_names,
    dataset_spec,
    load_dataset,
    permute_pixels,
    pixel_permutation,
)
from tunekit.data._idx import read_idx, write_idx
from tunekit.data._search import TUNEKIT_DATA_ENV, default_search_paths, find_dataset_files

__all__ = [
    "DEBIAN_DATASETS_DIR",
    "Dataset",
    "DatasetSpec",
    "IDX_FILES",
    "Split",
    "TUNEKIT_DATA_ENV",
    "dataset_names",
    "dataset_spec",
    "default_search_paths",
    "find_dataset_files",
    "load_dataset",
    "permute_pixels",
    "pixel_permutation",
    "read_idx",
    "write_idx",
]
