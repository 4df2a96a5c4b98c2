"""The KV-cache memory model against values computed by hand."""

from __future__ import annotations

import pytest

from lcreview import kvcache, load


def config(name):
    table = load.model_configs().set_index("model")
    return table.loc[name]


def test_llama2_7b_multi_head():
    # 2 (K and V) x 32 layers x 32 KV heads x 128 dims x 2 bytes = 524,288 bytes per token
    c = config("Llama-2-7B")
    assert kvcache.bytes_per_token(c) == 524_288
    # at its 4,096-token window: 524,288 x 4,096 = 2,147,483,648 bytes (2 GiB)
    assert kvcache.kv_cache_bytes(32, 32, 128, 4096) == 2_147_483_648


def test_llama3_8b_grouped_query():
    # 2 x 32 layers x 8 KV heads x 128 dims x 2 bytes = 131,072 bytes per token
    c = config("Llama-3-8B")
    assert kvcache.bytes_per_token(c) == 131_072
    # 128K tokens (131,072) -> 17,179,869,184 bytes = 16 GiB; batch of 4 -> 64 GiB
    assert kvcache.kv_cache_bytes(32, 8, 128, 131_072) == 17_179_869_184
    assert kvcache.kv_cache_bytes(32, 8, 128, 131_072, batch=4) == 68_719_476_736


def test_llama2_70b_grouped_query_and_fp8():
    # 2 x 80 layers x 8 KV heads x 128 dims x 1 byte (FP8) x 1,000,000 tokens = 163,840,000,000 bytes
    assert kvcache.kv_cache_bytes(80, 8, 128, 1_000_000, bytes_per_value=1) == 163_840_000_000


def test_capacity_in_bytes():
    toy = {"layers": 2, "kv_heads": 1, "head_dim": 4}
    # 2 x 2 x 1 x 4 x 2 bytes = 32 bytes per token; 1 GiB / 32 bytes = 33,554,432 tokens
    assert kvcache.max_tokens(toy, kvcache.GiB) == 33_554_432
    # an 8-bit cache halves the bytes per token and doubles what fits; a batch of 4 divides it by 4
    assert kvcache.max_tokens(toy, kvcache.GiB, bytes_per_value=1) == 67_108_864
    assert kvcache.max_tokens(toy, kvcache.GiB, batch=4) == 8_388_608


def test_hybrid_keeps_a_full_cache_in_a_share_of_layers():
    c = config("Llama-3-8B")
    # a third of the layers with a full cache: 131,072 / 3 bytes per token
    assert kvcache.bytes_per_token(c, full_layer_share=1 / 3) == pytest.approx(131_072 / 3)
    assert kvcache.bytes_per_token(c, bytes_per_value=1) == 65_536
    assert kvcache.bytes_per_token_kib(kvcache.bytes_per_token(c)) == 128
    with pytest.raises(ValueError):
        kvcache.bytes_per_token(c, full_layer_share=0)


def test_accelerator_capacity_is_binary():
    acc = load.accelerators().set_index("accelerator")
    # the driver reports 81920 MiB for an A100 80GB: 80 x 2^30 bytes, not 80 x 10^9
    assert acc.loc["A100 80GB", "memory_bytes"] == 81920 * 2**20 == 80 * kvcache.GiB
    # Llama-3-8B at 16 bits: 131,072 bytes per token -> 655,360 tokens fill 80 GiB (KV cache alone)
    assert kvcache.max_tokens(config("Llama-3-8B"), acc.loc["A100 80GB", "memory_bytes"]) == 655_360
    for _, row in acc.iterrows():
        if isinstance(row["driver_total"], str):
            reported = int(row["driver_total"].removesuffix("MiB")) * 2**20
            assert abs(reported - row["memory_bytes"]) / row["memory_bytes"] < 0.01


def test_rejects_nonsense_shapes():
    with pytest.raises(ValueError):
        kvcache.kv_cache_bytes(0, 8, 128, 1000)
