"""Behaviour of the Episodic Adapter: identity on empty memory, gated reads, masks, GQA."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
import torch

from hei_nw.adapter import EpisodicAdapter, MemoryKV

HIDDEN = 32
HEADS = 4


def make_adapter(
    gate: float = 0.0, n_kv_heads: int | None = None, seed: int = 0
) -> EpisodicAdapter:
    torch.manual_seed(seed)
    adapter = EpisodicAdapter(HIDDEN, HEADS, n_kv_heads=n_kv_heads).eval()
    with torch.no_grad():
        adapter.gate.fill_(gate)
    return adapter


def test_noop_when_memory_empty() -> None:
    adapter = make_adapter(gate=1.0)
    H = torch.randn(2, 7, HIDDEN)
    for memory in (None, torch.randn(2, 0, HIDDEN)):
        assert adapter(H, memory) is H  # no arithmetic at all: the very same tensor
    # The same open-gated adapter does change H when the memory holds something.
    assert not torch.equal(adapter(H, torch.randn(2, 3, HIDDEN)), H)


def test_noop_when_projected_memory_empty() -> None:
    adapter = make_adapter(gate=1.0)
    H = torch.randn(2, 7, HIDDEN)
    assert adapter(H, adapter.project_memory(torch.randn(2, 0, HIDDEN))) is H


def test_shapes_with_memory_tokens() -> None:
    adapter = make_adapter()
    H = torch.randn(2, 7, HIDDEN)
    for k in (1, 5, 16):
        assert adapter(H, torch.randn(2, k, HIDDEN)).shape == (2, 7, HIDDEN)


def test_zero_gate_with_memory_leaves_hidden_states_allclose() -> None:
    adapter = make_adapter(gate=0.0)
    H = torch.randn(2, 7, HIDDEN)
    out = adapter(H, torch.randn(2, 4, HIDDEN))
    assert out is not H
    torch.testing.assert_close(out, H)


def test_nonzero_gate_changes_output() -> None:
    adapter = make_adapter(gate=0.5)
    H = torch.randn(2, 7, HIDDEN)
    out = adapter(H, torch.randn(2, 4, HIDDEN))
    assert not torch.allclose(out, H)
    assert torch.isfinite(out).all()


def test_different_memories_give_different_reads() -> None:
    adapter = make_adapter(gate=0.5)
    H = torch.randn(1, 3, HIDDEN)
    a = adapter(H, torch.randn(1, 4, HIDDEN))
    b = adapter(H, torch.randn(1, 4, HIDDEN))
    assert not torch.allclose(a, b)


def test_masked_tokens_are_ignored() -> None:
    adapter = make_adapter(gate=0.7)
    H = torch.randn(1, 3, HIDDEN)
    M = torch.randn(1, 5, HIDDEN)
    mask = torch.tensor([[True, True, True, False, False]])
    masked = adapter(H, M, mask)
    truncated = adapter(H, M[:, :3])
    torch.testing.assert_close(masked, truncated)
    # Changing a masked-out token changes nothing.
    M2 = M.clone()
    M2[0, 4] = 100.0
    torch.testing.assert_close(adapter(H, M2, mask), masked)


def test_fully_masked_row_returns_input_unchanged_and_finite() -> None:
    adapter = make_adapter(gate=0.7)
    H = torch.randn(2, 3, HIDDEN)
    M = torch.randn(2, 4, HIDDEN)
    mask = torch.tensor([[False] * 4, [True, True, False, False]])
    out = adapter(H, M, mask)
    assert torch.isfinite(out).all()
    assert torch.equal(out[0], H[0])
    assert not torch.allclose(out[1], H[1])


def test_memory_batch_of_one_broadcasts() -> None:
    adapter = make_adapter(gate=0.5)
    H = torch.randn(3, 2, HIDDEN)
    M = torch.randn(1, 4, HIDDEN)
    out = adapter(H, M)
    for row in range(3):
        torch.testing.assert_close(out[row : row + 1], adapter(H[row : row + 1], M))


def test_gqa_shapes_and_parameter_counts() -> None:
    full = make_adapter(n_kv_heads=None)
    gqa = make_adapter(n_kv_heads=2)
    mqa = make_adapter(n_kv_heads=1)
    head_dim = HIDDEN // HEADS
    assert gqa.k_proj.weight.shape == (2 * head_dim, HIDDEN)
    assert mqa.v_proj.weight.shape == (head_dim, HIDDEN)

    def n_params(m: EpisodicAdapter) -> int:
        return sum(p.numel() for p in m.parameters())

    saved = 2 * (HEADS - 2) * head_dim * HIDDEN
    assert n_params(full) - n_params(gqa) == saved
    memory = gqa.project_memory(torch.randn(2, 6, HIDDEN))
    assert memory.keys.shape == (2, 2, 6, head_dim)
    with torch.no_grad():
        gqa.gate.fill_(0.5)
    assert gqa(torch.randn(2, 7, HIDDEN), torch.randn(2, 6, HIDDEN)).shape == (2, 7, HIDDEN)


def test_gqa_equals_full_attention_with_repeated_kv_weights() -> None:
    """GQA must be the same maths as full attention whose K/V heads repeat."""
    gqa = make_adapter(gate=0.5, n_kv_heads=2)
    full = make_adapter(gate=0.5)
    full.load_state_dict(
        {
            **gqa.state_dict(),
            "k_proj.weight": _repeat_heads(gqa.k_proj.weight, HEADS // 2),
            "v_proj.weight": _repeat_heads(gqa.v_proj.weight, HEADS // 2),
        }
    )
    H, M = torch.randn(2, 3, HIDDEN), torch.randn(2, 5, HIDDEN)
    torch.testing.assert_close(gqa(H, M), full(H, M))


def _repeat_heads(weight: torch.Tensor, repeats: int) -> torch.Tensor:
    head_dim = HIDDEN // HEADS
    heads = weight.detach().view(-1, head_dim, HIDDEN)
    return heads.repeat_interleave(repeats, dim=0).reshape(-1, HIDDEN)


def test_projected_memory_forward_equals_raw_memory_forward() -> None:
    adapter = make_adapter(gate=0.8, n_kv_heads=2)
    H = torch.randn(2, 5, HIDDEN)
    M = torch.randn(2, 6, HIDDEN)
    mask = torch.tensor([[True] * 6, [True, True, True, True, False, False]])
    projected = adapter.project_memory(M, mask)
    assert torch.equal(adapter(H, projected), adapter(H, M, mask))
    # Decode-shaped calls reuse the same projection.
    for t in range(5):
        assert torch.equal(adapter(H[:, t : t + 1], projected), adapter(H[:, t : t + 1], M, mask))


def test_memory_repeat_interleave_matches_expanded_batch() -> None:
    adapter = make_adapter(gate=0.5)
    M = torch.randn(2, 4, HIDDEN)
    mask = torch.tensor([[True, True, False, True], [True, False, False, False]])
    H = torch.randn(6, 2, HIDDEN)
    repeated = adapter.project_memory(M, mask).repeat_interleave(3)
    assert repeated.batch_size == 6
    expected = adapter(H, M.repeat_interleave(3, dim=0), mask.repeat_interleave(3, dim=0))
    torch.testing.assert_close(adapter(H, repeated), expected)
    memory = adapter.project_memory(M)
    assert memory.repeat_interleave(1) is memory


def test_forward_is_read_only() -> None:
    adapter = make_adapter(gate=0.5)
    before = {k: v.clone() for k, v in adapter.state_dict().items()}
    adapter(torch.randn(2, 3, HIDDEN), torch.randn(2, 4, HIDDEN))
    after = adapter.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_bfloat16_keeps_gate_fp32_and_reads_memory() -> None:
    adapter = make_adapter(gate=0.01).to(torch.bfloat16)
    assert adapter.gate.dtype == torch.float32
    assert adapter.q_proj.weight.dtype == torch.bfloat16
    H = torch.randn(2, 3, HIDDEN, dtype=torch.bfloat16)
    out = adapter(H, torch.randn(2, 4, HIDDEN, dtype=torch.bfloat16))
    assert out.dtype == torch.bfloat16
    assert torch.isfinite(out).all()
    assert adapter(H, None) is H


def test_dropout_is_active_only_in_training() -> None:
    torch.manual_seed(0)
    adapter = EpisodicAdapter(HIDDEN, HEADS, dropout=0.5)
    with torch.no_grad():
        adapter.gate.fill_(1.0)
    H, M = torch.randn(1, 4, HIDDEN), torch.randn(1, 4, HIDDEN)
    adapter.train()
    assert not torch.equal(adapter(H, M), adapter(H, M))
    adapter.eval()
    assert torch.equal(adapter(H, M), adapter(H, M))


def test_gradients_reach_gate_and_projections() -> None:
    adapter = make_adapter(gate=0.3)
    adapter(torch.randn(2, 3, HIDDEN), torch.randn(2, 4, HIDDEN)).sum().backward()
    for name in ("gate", "q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight"):
        grad = adapter.get_parameter(name).grad
        assert grad is not None and grad.abs().sum() > 0, name


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"hidden_size": 30, "n_heads": 4},
            r"hidden_size \(30\) must be divisible by n_heads \(4\)",
        ),
        ({"hidden_size": 32, "n_heads": 4, "n_kv_heads": 3}, r"n_heads \(4\) .* n_kv_heads \(3\)"),
        ({"hidden_size": 0, "n_heads": 4}, "must be positive"),
        ({"hidden_size": 32, "n_heads": 4, "dropout": 1.0}, "dropout"),
    ],
)
def test_bad_geometry_is_rejected(kwargs: dict[str, int | float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EpisodicAdapter(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("H_shape", "M_shape", "mask", "message"),
    [
        ((2, 7), (2, 4, HIDDEN), None, r"H_t must be rank 3 .*\(2, 7\)"),
        ((2, 7, HIDDEN), (2, HIDDEN), None, r"M_t must be rank 3 .*\(2, 32\)"),
        ((2, 7, 16), (2, 4, HIDDEN), None, r"H_t hidden size 16 .* \(2, 7, 16\)"),
        ((2, 7, HIDDEN), (2, 4, 16), None, r"M_t hidden size 16 .* \(2, 4, 16\)"),
        ((2, 7, HIDDEN), (3, 4, HIDDEN), None, r"memory batch 3 does not match H_t batch 2"),
        ((2, 7, HIDDEN), (2, 4, HIDDEN), torch.ones(2, 5, dtype=torch.bool), r"\(2, 5\)"),
        ((2, 7, HIDDEN), (2, 4, HIDDEN), torch.ones(2, 4), "must be a bool tensor"),
    ],
)
def test_bad_inputs_name_the_shapes(
    H_shape: tuple[int, ...], M_shape: tuple[int, ...], mask: torch.Tensor | None, message: str
) -> None:
    adapter = make_adapter()
    with pytest.raises(ValueError, match=message):
        adapter(torch.randn(*H_shape), torch.randn(*M_shape), mask)


def test_mask_with_projected_memory_is_rejected() -> None:
    adapter = make_adapter()
    memory = adapter.project_memory(torch.randn(1, 4, HIDDEN))
    with pytest.raises(ValueError, match="attn_mask must be None"):
        adapter(torch.randn(1, 2, HIDDEN), memory, torch.ones(1, 4, dtype=torch.bool))


def test_extra_repr_names_geometry() -> None:
    assert "n_kv_heads=2" in repr(make_adapter(n_kv_heads=2))


def test_memory_kv_reports_its_size() -> None:
    memory = MemoryKV(keys=torch.zeros(3, 2, 5, 8), values=torch.zeros(3, 2, 5, 8), mask=None)
    assert (memory.batch_size, memory.length) == (3, 5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_bf16_read() -> None:  # pragma: no cover - runs only where a GPU exists
    adapter = make_adapter(gate=0.5, n_kv_heads=2).to("cuda", torch.bfloat16)
    H = torch.randn(2, 3, HIDDEN, device="cuda", dtype=torch.bfloat16)
    M = torch.randn(2, 4, HIDDEN, device="cuda", dtype=torch.bfloat16)
    mask = torch.tensor([[False] * 4, [True] * 4], device="cuda")
    out = adapter(H, M, mask)
    assert torch.isfinite(out).all() and torch.equal(out[0], H[0])
    assert adapter(H, None) is H


@pytest.mark.skipif(
    os.environ.get("HEI_NW_ISOLATED_ENV") != "hei-nw-adapter",
    reason="meaningful only in the adapter's own environment (scripts/test.sh builds it)",
)
def test_adapter_environment_has_no_transformers() -> None:
    """The adapter package depends on torch alone; its environment proves it."""
    assert importlib.util.find_spec("transformers") is None
    code = "import sys, hei_nw.adapter; print('transformers' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
