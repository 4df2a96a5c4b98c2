"""A KV-cache memory model for decoder-only transformers.

bytes = 2 (keys and values) x layers with a full cache x KV heads x head dimension x bytes per value x tokens x batch

Sizes are bytes throughout. Accelerator capacities come in bytes from ``data/accelerators.csv`` (the marketed
"80GB" of an A100 is 80 GiB: its driver reports 81920 MiB); :data:`GB` is only for sizes papers write in
decimal gigabytes.
"""

from __future__ import annotations

import numpy as np

GB = 1e9  # decimal gigabyte, as papers write KV sizes ("2GB of memory footprint")
GiB = 2**30  # binary gibibyte, how accelerator memory is counted (data/accelerators.csv)


def kv_cache_bytes(layers: int, kv_heads: int, head_dim: int, tokens, batch: int = 1, bytes_per_value: float = 2):
    """Bytes held by the KV cache; ``tokens`` may be a number or an array."""
    for name, v in (("layers", layers), ("kv_heads", kv_heads), ("head_dim", head_dim), ("batch", batch)):
        if v < 1:
            raise ValueError(f"{name} must be at least 1, got {v}")
    return 2 * layers * kv_heads * head_dim * bytes_per_value * np.asarray(tokens, dtype=float) * batch


def bytes_per_token(config, bytes_per_value: float = 2, full_layer_share: float = 1.0) -> float:
    """KV-cache bytes per token of one sequence for a row of ``data/model_configs.csv``.

    ``full_layer_share`` is the share of layers that keep a full cache (1 for a plain transformer; a hybrid
    such as LongGen keeps one in a third of its layers, the others holding a constant-size state, counted as 0).
    """
    if not 0 < full_layer_share <= 1:
        raise ValueError(f"full_layer_share must be in (0, 1], got {full_layer_share}")
    full = float(
        kv_cache_bytes(
            int(config["layers"]), int(config["kv_heads"]), int(config["head_dim"]), 1, bytes_per_value=bytes_per_value
        )
    )
    return full * full_layer_share


def bytes_per_token_kib(per_token: float) -> float:
    """Bytes per token in KiB (1024 bytes), as the tables print them."""
    return per_token / 1024


def max_tokens(
    config, memory_bytes: float, batch: int = 1, bytes_per_value: float = 2, full_layer_share: float = 1.0
) -> float:
    """Tokens whose KV cache fills ``memory_bytes`` (weights and activations not counted)."""
    if memory_bytes <= 0:
        raise ValueError(f"memory_bytes must be positive, got {memory_bytes}")
    return memory_bytes / (bytes_per_token(config, bytes_per_value, full_layer_share) * batch)
