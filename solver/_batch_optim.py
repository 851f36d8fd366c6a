"""Optimizers that take one learning rate per row of a batched x.

`torch.optim.SGD` and `torch.optim.Adam` accept only a scalar lr. These do the
same arithmetic as their single-tensor code paths in torch 2.13, elementwise,
with lr as a tensor, so that row i of a batched run matches the single run with
lrs[i] to the printed digit.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from ._run import ADAM_BETAS, ADAM_EPS, MOMENTUM


class BatchSGD(torch.optim.Optimizer):
    """SGD (optionally with momentum, dampening 0) with a per-row lr tensor."""

    def __init__(self, params: list[Tensor], lr: Tensor, momentum: float = 0.0) -> None:
        # torch's SGD rounds its Python-float lr to the parameter's dtype (alpha=-lr).
        super().__init__(params, {"lr": lr.to(params[0].dtype), "momentum": momentum})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> None:  # type: ignore[override]
        """One update of every row: x ← x − lr·g, or with the velocity buffer."""
        for group in self.param_groups:
            lr: Tensor = group["lr"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad
                if group["momentum"] != 0:
                    state = self.state[param]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = grad.detach().clone()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(group["momentum"]).add_(grad)
                    grad = buf
                # x + (-1)·(g·lr) rounds exactly like SGD's x + (−lr)·g.
                param.addcmul_(grad, lr, value=-1)


class BatchAdam(torch.optim.Optimizer):
    """Adam (betas ADAM_BETAS, eps ADAM_EPS, as the single runs use) with a per-row lr tensor."""

    def __init__(
        self,
        params: list[Tensor],
        lr: Tensor,
        betas: tuple[float, float] = ADAM_BETAS,
        eps: float = ADAM_EPS,
    ) -> None:
        # lr must arrive in float64, never rounded to float32 first: torch's single-tensor
        # Adam computes lr / bias_correction1 in Python floats and rounds only that quotient
        # (when addcdiv_ casts its `value` to the parameter's dtype).
        super().__init__(params, {"lr": lr.to(torch.float64), "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> None:  # type: ignore[override]
        """One Adam update of every row, with the bias corrections of step t."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = param.grad
                state = self.state[param]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(param)
                    state["exp_avg_sq"] = torch.zeros_like(param)
                state["step"] += 1
                step = state["step"].item()
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2_sqrt = (1 - beta2**step) ** 0.5
                step_size = (group["lr"] / bias_correction1).to(param.dtype)
                denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(group["eps"])
                # addcdiv_ computes x + (value·m) / d, in that order.
                param.add_((exp_avg * -step_size) / denom)


def make_optimizer(name: str, x: Tensor, lr: float) -> torch.optim.Optimizer:
    """The torch.optim optimizer a single run uses: sgd, momentum (0.9) or adam."""
    if name == "sgd":
        return torch.optim.SGD([x], lr=lr)
    if name == "momentum":
        return torch.optim.SGD([x], lr=lr, momentum=MOMENTUM)
    if name == "adam":
        return torch.optim.Adam([x], lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS)
    raise ValueError(f"unknown optimizer {name!r}")


def make_batch_optimizer(name: str, x: Tensor, lrs: Tensor) -> torch.optim.Optimizer:
    """The per-row counterpart of `make_optimizer` for a batched x; `lrs` in float64."""
    if name == "sgd":
        return BatchSGD([x], lrs)
    if name == "momentum":
        return BatchSGD([x], lrs, momentum=MOMENTUM)
    if name == "adam":
        return BatchAdam([x], lrs)
    raise ValueError(f"unknown optimizer {name!r}")
