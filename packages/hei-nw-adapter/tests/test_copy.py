"""The copy head: exact identity when fresh, pointing at memory tokens, stopping, hygiene."""

from __future__ import annotations

import pytest
import torch

from hei_nw.adapter import CopyHead, CopyMemory

HIDDEN, VOCAB, STOP = 16, 50, 2


def make_head(gate: float = 0.0, seed: int = 0) -> CopyHead:
    torch.manual_seed(seed)
    head = CopyHead(HIDDEN, key_size=8, stop_token_id=STOP)
    with torch.no_grad():
        head.gate.fill_(gate)
    return head


def make_memory(head: CopyHead, ids: torch.Tensor, mask: torch.Tensor | None = None) -> CopyMemory:
    B, k = ids.shape
    mask = torch.ones(B, k, dtype=torch.bool) if mask is None else mask
    states, embeddings = torch.randn(B, k, HIDDEN), torch.randn(B, k, HIDDEN)
    ends = torch.full((B, k), k - 1)
    return head.prepare(states, embeddings, ids, mask, ends)


def test_fresh_head_returns_the_logits_bit_for_bit() -> None:
    head = make_head(gate=0.0)
    logits = torch.randn(2, 5, VOCAB)
    logits[0, 0, 0] = -0.0
    memory = make_memory(head, torch.randint(3, VOCAB, (2, 7)))
    out = head(logits, torch.randn(2, 5, HIDDEN), memory)
    assert torch.equal(out, logits)


def test_open_gate_raises_only_tokens_in_memory_or_stop() -> None:
    head = make_head(gate=1.0)
    logits = torch.zeros(1, 3, VOCAB)
    ids = torch.tensor([[10, 11, 12, 13]])
    out = head(logits, torch.randn(1, 3, HIDDEN), make_memory(head, ids))
    raised = set(torch.nonzero(out[0].abs().sum(0)).flatten().tolist())
    # Position 0 has no predecessor and is never pointed at; the stop key adds STOP.
    assert raised == {11, 12, 13, STOP}
    assert torch.all(out >= 0)


def test_rows_without_memory_keep_their_logits() -> None:
    head = make_head(gate=1.0)
    logits = torch.randn(2, 3, VOCAB)
    mask = torch.tensor([[True, True, True], [False, False, False]])
    memory = make_memory(head, torch.tensor([[5, 6, 7], [8, 9, 10]]), mask)
    out = head(logits, torch.randn(2, 3, HIDDEN), memory)
    assert torch.equal(out[1], logits[1])
    assert not torch.equal(out[0], logits[0])


def test_pointer_is_a_distribution_over_pointable_positions() -> None:
    head = make_head(gate=1.0)
    memory = make_memory(
        head, torch.tensor([[5, 6, 7, 8]]), torch.tensor([[True, True, True, False]])
    )
    weights = head.pointer(torch.randn(1, 4, HIDDEN), memory)  # (1, 4, 5): 4 positions + stop
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, 4))
    assert torch.all(weights[..., 0] == 0)  # no predecessor
    assert torch.all(weights[..., 3] == 0)  # padding


def test_every_parameter_gets_a_gradient_once_the_gate_is_open() -> None:
    head = make_head(gate=0.5).train()
    memory = make_memory(head, torch.randint(3, VOCAB, (2, 6)))
    out = head(torch.randn(2, 4, VOCAB), torch.randn(2, 4, HIDDEN), memory)
    torch.nn.functional.cross_entropy(
        out.reshape(-1, VOCAB), torch.randint(0, VOCAB, (8,))
    ).backward()  # type: ignore[no-untyped-call]
    for name, parameter in head.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_fresh_gate_still_receives_a_gradient() -> None:
    head = make_head(gate=0.0).train()
    memory = make_memory(head, torch.randint(3, VOCAB, (1, 6)))
    out = head(torch.randn(1, 2, VOCAB), torch.randn(1, 2, HIDDEN), memory)
    out[..., 7].sum().backward()
    assert head.gate.grad is not None


def test_trainable_logits_get_finite_gradients_even_for_tiny_base_probabilities() -> None:
    """With adapters upstream the base logits are trainable; a memory token the base
    gives p ~ 1e-35 once made the mixture's gradient inf/NaN (the q / p**2 term)."""
    head = make_head(gate=1.0)
    logits = torch.zeros(1, 3, VOCAB)
    logits[..., 11] = -80.0  # p(11) ~ 1e-35, below the 1e-30 floor
    logits[..., 12] = -45.0  # p(12) ~ 1e-20: 1 / p**2 overflows float32
    logits.requires_grad_(True)
    out = head(
        logits, torch.randn(1, 3, HIDDEN), make_memory(head, torch.tensor([[10, 11, 12, 13]]))
    )
    assert torch.isfinite(out).all()
    out.log_softmax(-1)[..., 11].sum().backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()
    assert all(torch.isfinite(p.grad).all() for p in head.parameters() if p.grad is not None)


def test_memory_expands_for_beams() -> None:
    head = make_head(gate=1.0)
    memory = make_memory(head, torch.randint(3, VOCAB, (2, 5)))
    assert memory.repeat_interleave(1) is memory
    expanded = memory.repeat_interleave(3)
    assert expanded.batch_size == 6
    assert torch.equal(expanded.targets[:3], memory.targets[:1].expand(3, -1))
    logits = torch.randn(6, 1, VOCAB)
    assert head(logits, torch.randn(6, 1, HIDDEN), expanded).shape == (6, 1, VOCAB)


def test_gate_stays_fp32_when_cast() -> None:
    head = make_head(gate=0.001).to(torch.bfloat16)
    assert head.gate.dtype == torch.float32
    assert head.query_proj.weight.dtype == torch.bfloat16
    assert "stop_token_id=2" in repr(head)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden_size": 0, "key_size": 8, "stop_token_id": 2}, "positive"),
        ({"hidden_size": 8, "key_size": 0, "stop_token_id": 2}, "positive"),
        ({"hidden_size": 8, "key_size": 8, "stop_token_id": -1}, "token id"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CopyHead(kwargs["hidden_size"], kwargs["key_size"], stop_token_id=kwargs["stop_token_id"])


def cue_head(episode: float, token: float) -> CopyHead:
    torch.manual_seed(0)
    head = CopyHead(HIDDEN, key_size=8, stop_token_id=STOP, cue_match=True)
    with torch.no_grad():
        head.gate.fill_(1.0)
        assert head.cue_episode_weight is not None and head.cue_token_weight is not None
        head.cue_episode_weight.fill_(episode)
        head.cue_token_weight.fill_(token)
    return head


# Two episodes of four tokens: the question names two tokens of the second (21, 22)
# and one of the first (11).
EPISODES = torch.tensor([[10, 11, 12, 13, 20, 21, 22, 23]])
ENDS = torch.tensor([[3, 3, 3, 3, 7, 7, 7, 7]])
IN_CUE = torch.isin(EPISODES, torch.tensor([11, 21, 22]))


def cue_memory(head: CopyHead) -> CopyMemory:
    torch.manual_seed(1)
    states, embeddings = torch.randn(1, 8, HIDDEN), torch.randn(1, 8, HIDDEN)
    mask = torch.ones(1, 8, dtype=torch.bool)
    return head.prepare(states, embeddings, EPISODES, mask, ENDS, IN_CUE)


def test_cue_match_moves_the_pointer_to_the_episode_the_question_names() -> None:
    plain = cue_head(episode=0.0, token=0.0)
    matched = cue_head(episode=2.0, token=0.0)
    query = torch.randn(1, 1, HIDDEN)
    before = plain.pointer(query, cue_memory(plain))[0, 0]
    after = matched.pointer(query, cue_memory(matched))[0, 0]
    # The second episode shares one token more: the first episode's positions lose weight.
    assert after[:4].sum() < before[:4].sum()
    bias = cue_memory(matched).bias
    assert bias is not None
    assert torch.equal(bias[0], torch.tensor([-2.0] * 4 + [0.0] * 4 + [0.0]))


def test_cue_match_token_weight_marks_question_tokens_only() -> None:
    bias = cue_memory(cue_head(episode=0.0, token=-1.5)).bias
    assert bias is not None
    assert torch.equal(bias[0, :-1], torch.where(IN_CUE[0], -1.5, 0.0))


def test_cue_match_never_moves_a_lone_episode() -> None:
    head = cue_head(episode=3.0, token=0.0)
    one = torch.tensor([[10, 11, 12, 13]])
    memory = head.prepare(
        torch.randn(1, 4, HIDDEN),
        torch.randn(1, 4, HIDDEN),
        one,
        torch.ones(1, 4, dtype=torch.bool),
        torch.full((1, 4), 3),
        torch.isin(one, torch.tensor([11])),
    )
    assert memory.bias is not None and torch.equal(memory.bias, torch.zeros(1, 5))


def test_cue_match_needs_the_question() -> None:
    head = cue_head(episode=1.0, token=1.0)
    with pytest.raises(ValueError, match="in_cue"):
        head.prepare(
            torch.randn(1, 8, HIDDEN),
            torch.randn(1, 8, HIDDEN),
            EPISODES,
            torch.ones(1, 8, dtype=torch.bool),
            ENDS,
        )
