"""The study format on disk: its layout, its typed metadata, its trial records.

Everything tunekit writes into a study directory, and everything it reads back, goes
through this package: the runner writes through it, and the report, the console, the
CLI and the Python API read through it. It imports neither keras nor the runner.

- ``layout``: the file names and where they lie.
- ``meta``: ``StudyMeta``, the study's metadata (``tunekit_study.json``).
- ``trial``: ``TrialRecord``, what tunekit keeps of every trial (``trial_*/tunekit.json``).
- ``study``: ``read_study``, a whole study read once into ``StudyRecords``.
- ``atomic``: writes that a kill cannot leave half done.
"""

from tunekit.records.meta import (
    DataInfo,
    SpaceInfo,
    StudyFormatError,
    StudyMeta,
    read_meta,
    stored_meta,
    write_meta,
)
from tunekit.records.study import StudyRecords, find_studies, read_records, read_study
from tunekit.records.trial import (
    ExecutionRecord,
    TrialRecord,
    TrialStatus,
    read_record,
    write_record,
)

__all__ = [
    "DataInfo",
    "ExecutionRecord",
    "SpaceInfo",
    "StudyFormatError",
    "StudyMeta",
    "StudyRecords",
    "TrialRecord",
    "TrialStatus",
    "find_studies",
    "read_meta",
    "read_record",
    "read_records",
    "read_study",
    "stored_meta",
    "write_meta",
    "write_record",
]
