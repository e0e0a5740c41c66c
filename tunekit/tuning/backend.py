"""Which Keras backend and device train in this process, as one line for each trial's record.

Times from a CPU and from a GPU, or from TensorFlow and JAX, do not compare; a report
that names what trained each trial keeps a reader from comparing them.
"""

from __future__ import annotations

import functools

import keras


@functools.cache
def trained_with() -> str:
    """E.g. ``keras 3.15.1, tensorflow backend on cpu`` or ``..., jax backend on NVIDIA H200``."""
    backend = keras.config.backend()
    return f"keras {keras.__version__}, {backend} backend on {_device(backend)}"


def _device(backend: str) -> str:
    """The first accelerator the backend sees, else ``cpu``."""
    try:
        if backend == "jax":
            import jax

            device = jax.devices()[0]
            return "cpu" if device.platform == "cpu" else str(device.device_kind)
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if not gpus:
                return "cpu"
            details = tf.config.experimental.get_device_details(gpus[0])
            return str(details.get("device_name", "GPU"))
        if backend == "torch":
            import torch

            return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    except Exception:  # a report line is not worth a failed trial
        pass
    return "an unknown device"
