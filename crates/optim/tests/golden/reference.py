#!/usr/bin/env python3
"""Golden values for optim's tests: a pure-Python (f64) transcription of
torch.optim's single-tensor update loops and of torch.optim.lr_scheduler's
*chainable* step() logic, operation for operation.

Rprop, ASGD, Adafactor and Muon are transcribed from torch 2.15.0's
torch/optim/rprop.py, asgd.py, _adafactor.py and _muon.py
(_single_tensor_rprop, _single_tensor_asgd, _single_tensor_adafactor,
_single_tensor_muon), read from the PyPI wheel
torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl; that wheel cannot be
imported without its CUDA libraries, so the values come from this
transcription, not from running torch. `maximize` negates the gradient before
anything else (weight decay included), as every torch.optim loop does; here
that is done once in trajectory(). ASGD's eta and mu are kept as Python
floats (torch's scalar dtype under torch.set_default_dtype(torch.float64)).
Python 3.11.7, standard library only.

Muon's Newton-Schulz iterations run in bfloat16 as in torch: each product
and sum in float32 (emulated exactly: one float64 op rounded to float32),
each tensor op's result rounded to bfloat16 (nearest even); matrix products
accumulate in float32 in index order, which torch's CPU kernels need not do.

No torch needed: every tensor op is written out element-wise with the same
evaluation order as PyTorch's CPU kernels (add: a + alpha*b, addcmul:
a + (value*t1)*t2, addcdiv: a + (value*t1)/t2, lerp: two formulas split at
|weight| < 0.5, maximum propagating NaN). Schedulers are stepped the way
PyTorch steps them (recursive forms, _is_initial, _step_count), which
checks optim's closed forms independently.

Regenerate with:  python3 crates/optim/tests/golden/reference.py > crates/optim/tests/golden/golden.json
"""

import json
import math
import struct

STEPS = 25
THETA0 = [1.0, -0.5, 0.25, 2.0]
CURV = [1.0, 10.0, 0.1, 3.0]


def grad_of(theta):
    """Gradient of sum(c_i*θ_i²/2 + sin θ_i): c_i*θ_i + cos θ_i."""
    return [c * t + math.cos(t) for c, t in zip(CURV, theta)]


def lerp(start, end, weight):
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def maximum(a, b):
    if a != a or b != b:
        return float("nan")
    return a if a > b else b


# ---------------------------------------------------------------- optimizers
# Each rule takes (params, grads, state, hyper) for one step, mirroring
# torch/optim/<name>.py::_single_tensor_<name>, and updates params in place.


def sgd(p, g, st, h):
    lr, mom, damp, wd, nest = h["lr"], h.get("momentum", 0), h.get("dampening", 0), h.get("weight_decay", 0), h.get("nesterov", False)
    for i in range(len(p)):
        gi = g[i]
        if wd != 0:
            gi = gi + wd * p[i]
        if mom != 0:
            buf = st.setdefault("momentum_buffer", [None] * len(p))
            if buf[i] is None:
                buf[i] = gi
            else:
                buf[i] = buf[i] * mom + (1 - damp) * gi
            gi = gi + mom * buf[i] if nest else buf[i]
        p[i] = p[i] + (-lr) * gi


def adagrad(p, g, st, h):
    lr, lr_decay, wd, eps = h["lr"], h.get("lr_decay", 0), h.get("weight_decay", 0), h.get("eps", 1e-10)
    st["step"] = st.get("step", 0) + 1
    s = st.setdefault("sum", [h.get("initial_accumulator_value", 0.0)] * len(p))
    clr = lr / (1 + (st["step"] - 1) * lr_decay)
    for i in range(len(p)):
        gi = g[i] if wd == 0 else g[i] + wd * p[i]
        s[i] = s[i] + (1 * gi) * gi
        std = math.sqrt(s[i]) + eps
        p[i] = p[i] + ((-clr) * gi) / std


def rmsprop(p, g, st, h):
    lr, alpha, eps, wd = h["lr"], h.get("alpha", 0.99), h.get("eps", 1e-8), h.get("weight_decay", 0)
    mom, centered = h.get("momentum", 0), h.get("centered", False)
    n = len(p)
    sq = st.setdefault("square_avg", [0.0] * n)
    buf = st.setdefault("momentum_buffer", [0.0] * n)
    ga = st.setdefault("grad_avg", [0.0] * n)
    for i in range(n):
        gi = g[i] if wd == 0 else g[i] + wd * p[i]
        sq[i] = sq[i] * alpha + ((1 - alpha) * gi) * gi
        if centered:
            ga[i] = lerp(ga[i], gi, 1 - alpha)
            avg = math.sqrt(sq[i] + ((-1) * ga[i]) * ga[i])
        else:
            avg = math.sqrt(sq[i])
        avg = avg + eps
        if mom > 0:
            buf[i] = buf[i] * mom + (1 * gi) / avg
            p[i] = p[i] + (-lr) * buf[i]
        else:
            p[i] = p[i] + ((-lr) * gi) / avg


def adam(p, g, st, h, decoupled=False):
    lr, (b1, b2), eps, wd, ams = h["lr"], h.get("betas", (0.9, 0.999)), h.get("eps", 1e-8), h.get("weight_decay", 0), h.get("amsgrad", False)
    n = len(p)
    st["step"] = st.get("step", 0) + 1
    step = float(st["step"])
    m = st.setdefault("exp_avg", [0.0] * n)
    v = st.setdefault("exp_avg_sq", [0.0] * n)
    vmax = st.setdefault("max_exp_avg_sq", [0.0] * n)
    bc1 = 1 - b1 ** step
    bc2 = 1 - b2 ** step
    step_size = lr / bc1
    bc2_sqrt = bc2 ** 0.5
    for i in range(n):
        gi = g[i]
        if wd != 0:
            if decoupled:
                p[i] = p[i] * (1 - lr * wd)
            else:
                gi = gi + wd * p[i]
        m[i] = lerp(m[i], gi, 1 - b1)
        v[i] = v[i] * b2 + ((1 - b2) * gi) * gi
        if ams:
            vmax[i] = maximum(vmax[i], v[i])
            denom = math.sqrt(vmax[i]) / bc2_sqrt + eps
        else:
            denom = math.sqrt(v[i]) / bc2_sqrt + eps
        p[i] = p[i] + ((-step_size) * m[i]) / denom


def adamw(p, g, st, h):
    h = dict(h)
    h.setdefault("weight_decay", 1e-2)
    adam(p, g, st, h, decoupled=True)


def adadelta(p, g, st, h):
    lr, rho, eps, wd = h.get("lr", 1.0), h.get("rho", 0.9), h.get("eps", 1e-6), h.get("weight_decay", 0)
    n = len(p)
    sq = st.setdefault("square_avg", [0.0] * n)
    acc = st.setdefault("acc_delta", [0.0] * n)
    for i in range(n):
        gi = g[i] if wd == 0 else g[i] + wd * p[i]
        sq[i] = sq[i] * rho + ((1 - rho) * gi) * gi
        std = math.sqrt(sq[i] + eps)
        delta = math.sqrt(acc[i] + eps)
        delta = (delta / std) * gi
        acc[i] = acc[i] * rho + ((1 - rho) * delta) * delta
        p[i] = p[i] + (-lr) * delta


def adamax(p, g, st, h):
    lr, (b1, b2), eps, wd = h.get("lr", 2e-3), h.get("betas", (0.9, 0.999)), h.get("eps", 1e-8), h.get("weight_decay", 0)
    n = len(p)
    st["step"] = st.get("step", 0) + 1
    m = st.setdefault("exp_avg", [0.0] * n)
    u = st.setdefault("exp_inf", [0.0] * n)
    clr = lr / (1 - b1 ** float(st["step"]))
    for i in range(n):
        gi = g[i] if wd == 0 else g[i] + wd * p[i]
        m[i] = lerp(m[i], gi, 1 - b1)
        u[i] = maximum(u[i] * b2, abs(gi) + eps)
        p[i] = p[i] + ((-clr) * m[i]) / u[i]


def nadam(p, g, st, h):
    lr, (b1, b2), eps, wd = h.get("lr", 2e-3), h.get("betas", (0.9, 0.999)), h.get("eps", 1e-8), h.get("weight_decay", 0)
    psi, decoupled = h.get("momentum_decay", 4e-3), h.get("decoupled_weight_decay", False)
    n = len(p)
    st["step"] = st.get("step", 0) + 1
    step = float(st["step"])
    m = st.setdefault("exp_avg", [0.0] * n)
    v = st.setdefault("exp_avg_sq", [0.0] * n)
    bc2 = 1 - b2 ** step
    mu = b1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
    st["mu_product"] = st.get("mu_product", 1.0) * mu
    mp = st["mu_product"]
    mp_next = mp * mu_next
    c_grad = -lr * (1.0 - mu) / (1.0 - mp)
    c_avg = (-lr * mu_next) / (1.0 - mp_next)
    for i in range(n):
        gi = g[i]
        if wd != 0:
            if decoupled:
                p[i] = p[i] * (1 - lr * wd)
            else:
                gi = gi + wd * p[i]
        m[i] = lerp(m[i], gi, 1 - b1)
        v[i] = v[i] * b2 + ((1 - b2) * gi) * gi
        denom = math.sqrt(v[i] / bc2) + eps
        p[i] = p[i] + (c_grad * gi) / denom
        p[i] = p[i] + (c_avg * m[i]) / denom


def radam(p, g, st, h):
    lr, (b1, b2), eps, wd = h.get("lr", 1e-3), h.get("betas", (0.9, 0.999)), h.get("eps", 1e-8), h.get("weight_decay", 0)
    decoupled = h.get("decoupled_weight_decay", False)
    n = len(p)
    st["step"] = st.get("step", 0) + 1
    step = float(st["step"])
    m = st.setdefault("exp_avg", [0.0] * n)
    v = st.setdefault("exp_avg_sq", [0.0] * n)
    bc1 = 1 - b1 ** step
    bc2 = 1 - b2 ** step
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
    for i in range(n):
        gi = g[i]
        if wd != 0:
            if decoupled:
                p[i] = p[i] * (1 - lr * wd)
            else:
                gi = gi + wd * p[i]
        m[i] = lerp(m[i], gi, 1 - b1)
        v[i] = v[i] * b2 + ((1 - b2) * gi) * gi
        bcm = m[i] / bc1
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = (bc2 ** 0.5) / (math.sqrt(v[i]) + eps)
            upd = bcm * lr * adaptive * rect
        else:
            upd = bcm * lr
        p[i] = p[i] + (-1.0) * upd


def sign(x):
    if x != x:
        return x
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def clamp(x, lo, hi):
    if x != x:
        return x
    return lo if x < lo else (hi if x > hi else x)


def rprop(p, g, st, h):
    lr, (etaminus, etaplus) = h.get("lr", 1e-2), h.get("etas", (0.5, 1.2))
    smin, smax = h.get("step_sizes", (1e-6, 50))
    n = len(p)
    prev = st.setdefault("prev", [0.0] * n)
    size = st.setdefault("step_size", [lr] * n)
    for i in range(n):
        s = sign(g[i] * prev[i])
        if s > 0:
            s = etaplus
        elif s < 0:
            s = etaminus
        elif s == 0:
            s = 1.0
        size[i] = clamp(size[i] * s, smin, smax)
        gi = 0.0 if s == etaminus else g[i]
        p[i] = p[i] + (-1 * sign(gi)) * size[i]
        prev[i] = gi


def asgd(p, g, st, h):
    lr, lambd, alpha, t0, wd = h.get("lr", 1e-2), h.get("lambd", 1e-4), h.get("alpha", 0.75), h.get("t0", 1e6), h.get("weight_decay", 0)
    n = len(p)
    st["step"] = st.get("step", 0) + 1
    ax = st.setdefault("ax", [0.0] * n)
    eta, mu = st.get("eta", lr), st.get("mu", 1.0)
    for i in range(n):
        gi = g[i] if wd == 0 else g[i] + wd * p[i]
        p[i] = p[i] * (1 - lambd * eta)
        p[i] = p[i] + (-eta) * gi
        ax[i] = ax[i] + (p[i] - ax[i]) * mu if mu != 1 else p[i]
    step = st["step"]
    st["eta"] = lr / ((1 + lambd * lr * step) ** alpha)
    st["mu"] = 1 / max(1, step - t0)


def vnorm(xs):
    """torch.linalg.vector_norm, summed in order."""
    return math.sqrt(sum((x * x for x in xs), 0.0))


def adafactor(p, g, st, h):
    """`h["shape"]` is the parameter's shape (row-major over the flat list)."""
    lr, c, (eps1, eps2), d, wd = h.get("lr", 1e-2), h.get("beta2_decay", -0.8), h.get("eps", (None, 1e-3)), h.get("d", 1.0), h.get("weight_decay", 0)
    shape, n = h.get("shape", [len(p)]), len(p)
    if eps1 is None:
        eps1 = 2.220446049250313e-16  # torch.finfo(torch.float64).eps
    st["step"] = st.get("step", 0) + 1
    step = float(st["step"])
    w = step ** c
    rho = min(lr, 1 / (step ** 0.5))
    alpha = max(eps2, vnorm(p) / (n ** 0.5)) * rho
    if wd != 0:
        p[:] = [x * (1 - lr * wd) for x in p]
    if len(shape) > 1:
        rows, cols = shape[-2], shape[-1]
        batches = n // (rows * cols)
        rv = st.setdefault("row_var", [0.0] * (batches * rows))
        cv = st.setdefault("col_var", [0.0] * (batches * cols))
        v = [0.0] * n
        for b in range(batches):
            m = g[b * rows * cols:(b + 1) * rows * cols]
            for r in range(rows):
                rv[b * rows + r] = lerp(rv[b * rows + r], vnorm(m[r * cols:(r + 1) * cols]) ** 2 / cols, w)
            for j in range(cols):
                cv[b * cols + j] = lerp(cv[b * cols + j], vnorm(m[j::cols]) ** 2 / rows, w)
            mean = max(sum(rv[b * rows:(b + 1) * rows], 0.0) / rows, eps1)
            for r in range(rows):
                for j in range(cols):
                    v[(b * rows + r) * cols + j] = rv[b * rows + r] * cv[b * cols + j] / mean
    else:
        var = st.setdefault("variance", [0.0] * n)
        for i in range(n):
            var[i] = lerp(var[i], g[i] * g[i], w)
        v = list(var)
    u = [(1 / math.sqrt(max(v[i], eps1 * eps1))) * g[i] for i in range(n)]
    denom = max(1.0, vnorm(u) / ((n ** 0.5) * d))
    for i in range(n):
        p[i] = p[i] + (-alpha / denom) * u[i]


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def bf16(x):
    if x != x:
        return x
    bits = struct.unpack("I", struct.pack("f", x))[0]
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return struct.unpack("f", struct.pack("I", bits))[0]


def addmm(c, beta, x, y, alpha, n, k, m):
    """bf16(alpha*(x @ y) + beta*c), accumulated in float32; c may be None."""
    out = []
    for i in range(n):
        for j in range(m):
            dot = 0.0
            for l in range(k):
                dot = f32(dot + f32(x[i * k + l] * y[l * m + j]))
            bc = 0.0 if c is None else f32(beta * c[i * m + j])
            out.append(bf16(f32(f32(alpha * dot) + bc)))
    return out


def transpose(x, rows, cols):
    return [x[(i % rows) * cols + i // rows] for i in range(rows * cols)]


def muon(p, g, st, h):
    lr, wd, mom, nest = h.get("lr", 1e-3), h.get("weight_decay", 0.1), h.get("momentum", 0.95), h.get("nesterov", True)
    (a, b, c), eps, steps = h.get("ns_coefficients", (3.4445, -4.7750, 2.0315)), h.get("eps", 1e-7), h.get("ns_steps", 5)
    rows, cols = h["shape"]
    buf = st.setdefault("momentum_buffer", [0.0] * len(p))
    u = []
    for i in range(len(p)):
        buf[i] = lerp(buf[i], g[i], 1 - mom)
        u.append(bf16(f32(lerp(g[i], buf[i], mom) if nest else buf[i])))
    tall = rows > cols
    n, k = (cols, rows) if tall else (rows, cols)
    x = transpose(u, rows, cols) if tall else u
    sq = 0.0
    for v in x:
        sq = f32(sq + f32(v * v))
    norm = max(bf16(f32(math.sqrt(sq))), bf16(f32(eps)))
    x = [bf16(f32(v / norm)) for v in x]
    a, b, c = f32(a), f32(b), f32(c)
    for _ in range(steps):
        gram = addmm(None, 0.0, x, transpose(x, n, k), 1.0, n, k, n)
        upd = addmm(gram, b, gram, gram, c, n, n, n)
        x = addmm(x, a, upd, x, 1.0, n, n, k)
    if tall:
        x = transpose(x, n, k)
    fn = h.get("adjust_lr_fn")
    if fn is None or fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = math.sqrt(rows / cols)
    for i in range(len(p)):
        p[i] = p[i] * (1 - lr * wd)
        p[i] = p[i] + (-(lr * ratio)) * x[i]


OPTIMIZERS = [
    ("sgd", sgd, {"lr": 0.1}),
    ("sgd_weight_decay", sgd, {"lr": 0.1, "weight_decay": 0.01}),
    ("sgd_momentum", sgd, {"lr": 0.05, "momentum": 0.9}),
    ("sgd_momentum_dampening", sgd, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd_nesterov", sgd, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.001}),
    ("adagrad", adagrad, {"lr": 0.1}),
    ("adagrad_full", adagrad, {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-9}),
    ("rmsprop", rmsprop, {"lr": 0.01}),
    ("rmsprop_momentum", rmsprop, {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop_centered", rmsprop, {"lr": 0.01, "centered": True}),
    ("rmsprop_centered_momentum", rmsprop, {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", adam, {"lr": 0.01}),
    ("adam_amsgrad_weight_decay", adam, {"lr": 0.01, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01}),
    ("adamw", adamw, {"lr": 0.01}),
    ("adamw_amsgrad", adamw, {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("adadelta", adadelta, {}),
    ("adadelta_full", adadelta, {"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01}),
    ("adamax", adamax, {"lr": 0.02}),
    ("adamax_full", adamax, {"lr": 0.02, "betas": (0.8, 0.9), "weight_decay": 0.01}),
    ("nadam", nadam, {"lr": 0.01}),
    ("nadam_weight_decay", nadam, {"lr": 0.01, "weight_decay": 0.01}),
    ("nadam_decoupled", nadam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.01}),
    ("radam", radam, {"lr": 0.01}),
    ("radam_weight_decay", radam, {"lr": 0.01, "weight_decay": 0.01}),
    ("radam_decoupled", radam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "betas": (0.5, 0.9)}),
    ("sgd_momentum_maximize", sgd, {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1, "maximize": True}),
    ("adagrad_maximize", adagrad, {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("rmsprop_maximize", rmsprop, {"lr": 0.01, "centered": True, "weight_decay": 0.1, "maximize": True}),
    ("adam_maximize", adam, {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("adamw_maximize", adamw, {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("adadelta_maximize", adadelta, {"weight_decay": 0.1, "maximize": True}),
    ("adamax_maximize", adamax, {"lr": 0.02, "weight_decay": 0.1, "maximize": True}),
    ("nadam_maximize", nadam, {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("radam_decoupled_maximize", radam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("rprop", rprop, {"lr": 0.01}),
    ("rprop_full", rprop, {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
    ("rprop_maximize", rprop, {"lr": 0.01, "maximize": True}),
    ("asgd", asgd, {"lr": 0.05}),
    ("asgd_averaging", asgd, {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.01}),
    ("adafactor_vector", adafactor, {}),
    ("adafactor_matrix", adafactor, {"shape": [2, 2]}),
    ("adafactor_full", adafactor, {"shape": [2, 2], "lr": 0.05, "beta2_decay": -0.5, "eps": (1e-20, 1e-2), "d": 1.5, "weight_decay": 0.1}),
    ("adafactor_batched_maximize", adafactor, {"shape": [2, 1, 2], "weight_decay": 0.1, "maximize": True}),
    ("muon_square", muon, {"shape": [2, 2], "lr": 0.02}),
    ("muon_tall", muon, {"shape": [4, 1], "lr": 0.02, "nesterov": False, "momentum": 0.9, "adjust_lr_fn": "match_rms_adamw"}),
    ("muon_wide", muon, {"shape": [1, 4], "lr": 0.05, "weight_decay": 0.0, "adjust_lr_fn": "spectral_unclamped", "ns_steps": 3}),
    ("asgd_maximize", asgd, {"lr": 0.01, "t0": 3, "weight_decay": 0.1, "maximize": True}),
]


def trajectory(rule, hyper):
    p, st, out = list(THETA0), {}, []
    for _ in range(STEPS):
        g = grad_of(p)
        if hyper.get("maximize", False):
            g = [-x for x in g]
        rule(p, g, st, hyper)
        out.append(list(p))
    return out, st


# ---------------------------------------------------------------- schedules
# Each returns get_last_lr() for last_epoch = 0 .. STEPS, stepping the
# chainable form exactly as torch's scheduler.step() does.


def step_lr(base, step_size, gamma):
    lr, out = base, [base]
    for e in range(1, STEPS + 1):
        if e % step_size == 0:
            lr = lr * gamma
        out.append(lr)
    return out


def multi_step_lr(base, milestones, gamma):
    lr, out = base, [base]
    for e in range(1, STEPS + 1):
        if e in milestones:
            lr = lr * gamma ** milestones.count(e)
        out.append(lr)
    return out


def constant_lr(base, factor, total):
    lr = base * factor
    out = [lr]
    for e in range(1, STEPS + 1):
        if e == total:
            lr = lr * (1.0 / factor)
        out.append(lr)
    return out


def linear_lr(base, start, end, total):
    lr = base * start
    out = [lr]
    for e in range(1, STEPS + 1):
        if e <= total:
            lr = lr * (1.0 + (end - start) / (total * start + (e - 1) * (end - start)))
        out.append(lr)
    return out


def exponential_lr(base, gamma):
    lr, out = base, [base]
    for _ in range(1, STEPS + 1):
        lr = lr * gamma
        out.append(lr)
    return out


def cosine_lr(base, t_max, eta_min, steps=STEPS):
    lr, out = base, [base]
    for e in range(1, steps + 1):
        if (e - 1 - t_max) % (2 * t_max) == 0:
            lr = lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        else:
            lr = (1 + math.cos(math.pi * e / t_max)) / (1 + math.cos(math.pi * (e - 1) / t_max)) * (lr - eta_min) + eta_min
        out.append(lr)
    return out


def warm_restarts(base, t_0, t_mult, eta_min):
    t_cur, t_i, out = 0, t_0, []
    for e in range(0, STEPS + 1):
        if e > 0:
            t_cur = t_cur + 1
            if t_cur >= t_i:
                t_cur = t_cur % t_i
                t_i = t_i * t_mult
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
    return out


def one_cycle(max_lr, total, pct_start=0.3, anneal="cos", div=25.0, final_div=1e4, three_phase=False):
    initial = max_lr / div
    minimum = initial / final_div
    if three_phase:
        phases = [(float(pct_start * total) - 1, initial, max_lr), (float(2 * pct_start * total) - 2, max_lr, initial), (total - 1, initial, minimum)]
    else:
        phases = [(float(pct_start * total) - 1, initial, max_lr), (total - 1, max_lr, minimum)]

    def f(start, end, pct):
        if anneal == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    out = []
    for step in range(0, total + 1):
        start_step = 0.0
        for i, (end_step, s, e) in enumerate(phases):
            if step <= end_step or i == len(phases) - 1:
                out.append(f(s, e, (step - start_step) / (end_step - start_step)))
                break
            start_step = end_step
    return out


def cyclic(base, max_lr, up, down, mode="triangular", gamma=1.0):
    total = float(up) + float(down)
    ratio = float(up) / total
    out = []
    for e in range(0, STEPS + 1):
        cycle = math.floor(1 + e / total)
        x = 1.0 + e / total - cycle
        scale_factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        height = (max_lr - base) * scale_factor
        if mode == "triangular":
            out.append(base + height * 1.0)
        elif mode == "triangular2":
            out.append(base + height * (1 / (2.0 ** (cycle - 1))))
        else:
            out.append(base + height * gamma ** e)
    return out


def polynomial_lr(base, total, power):
    lr, out = base, [base]
    for e in range(1, STEPS + 1):
        if e <= total:
            lr = lr * ((1.0 - e / total) / (1.0 - (e - 1) / total)) ** power
        out.append(lr)
    return out


def lambda_lr(base, f):
    """LambdaLR: base_lr * lr_lambda(last_epoch)."""
    return [base * f(e) for e in range(STEPS + 1)]


def multiplicative_lr(base, f):
    """MultiplicativeLR: group["lr"] * lr_lambda(last_epoch) for epochs >= 1."""
    lr, out = base, [base]
    for e in range(1, STEPS + 1):
        lr = lr * f(e)
        out.append(lr)
    return out


def chained_constant_step_exponential(base):
    """ChainedScheduler([ConstantLR(0.5, 4), StepLR(3, 0.5), ExponentialLR(0.9)]):
    each scheduler's chainable step() in turn on the same lr."""
    lr = base * 0.5  # ConstantLR's initial step; the others keep lr at epoch 0
    out = [lr]
    for e in range(1, STEPS + 1):
        if e == 4:
            lr = lr * (1.0 / 0.5)
        if e % 3 == 0:
            lr = lr * 0.5
        lr = lr * 0.9
        out.append(lr)
    return out


def sequential_linear_cosine(base):
    warm = linear_lr(base, 0.1, 1.0, 5)[:5]
    return warm + cosine_lr(base, 10, 0.0, steps=STEPS - 5)


SCHEDULES = [
    ("step", 0.1, step_lr(0.1, 3, 0.5)),
    ("multi_step", 0.1, multi_step_lr(0.1, [2, 5, 5, 9], 0.5)),
    ("constant", 0.1, constant_lr(0.1, 0.5, 4)),
    ("constant_default", 0.1, constant_lr(0.1, 1.0 / 3, 5)),
    ("linear_warmup", 0.1, linear_lr(0.1, 0.25, 1.0, 6)),
    ("linear_decay", 0.1, linear_lr(0.1, 1.0, 0.1, 10)),
    ("exponential", 0.1, exponential_lr(0.1, 0.9)),
    ("cosine", 0.1, cosine_lr(0.1, 10, 0.001)),
    ("cosine_zero_floor", 0.1, cosine_lr(0.1, 7, 0.0)),
    ("warm_restarts", 0.1, warm_restarts(0.1, 3, 2, 0.01)),
    ("warm_restarts_constant_period", 0.1, warm_restarts(0.1, 4, 1, 0.0)),
    ("one_cycle_cos", 0.0, one_cycle(0.1, 25)),
    ("one_cycle_linear_three_phase", 0.0, one_cycle(0.1, 25, pct_start=0.25, anneal="linear", three_phase=True)),
    ("cyclic_triangular", 0.0, cyclic(0.01, 0.1, 4, 3)),
    ("cyclic_triangular2", 0.0, cyclic(0.01, 0.1, 2, 2, mode="triangular2")),
    ("cyclic_exp_range", 0.0, cyclic(0.01, 0.1, 3, 3, mode="exp_range", gamma=0.9)),
    ("polynomial", 0.1, polynomial_lr(0.1, 10, 2.0)),
    ("polynomial_default", 0.1, polynomial_lr(0.1, 5, 1.0)),
    ("sequential_warmup_cosine", 0.1, sequential_linear_cosine(0.1)),
    ("lambda", 0.1, lambda_lr(0.1, lambda e: 1 / (1 + 0.1 * e))),
    ("multiplicative", 0.1, multiplicative_lr(0.1, lambda e: 0.9 if e % 4 else 1.5)),
    ("chained", 0.1, chained_constant_step_exponential(0.1)),
]


# ---------------------------------------------------------- reduce on plateau


def plateau(lrs, metrics, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lrs=(0.0,), eps=1e-8):
    lrs = list(lrs)
    min_lrs = list(min_lrs) * (len(lrs) if len(min_lrs) == 1 else 1)
    best = math.inf if mode == "min" else -math.inf
    bad, cool, out = 0, 0, []

    def better(a):
        if mode == "min" and threshold_mode == "rel":
            return a < best * (1.0 - threshold)
        if mode == "min":
            return a < best - threshold
        if threshold_mode == "rel":
            return a > best * (threshold + 1.0)
        return a > best + threshold

    for metric in metrics:
        if better(metric):
            best, bad = metric, 0
        else:
            bad += 1
        if cool > 0:
            cool -= 1
            bad = 0
        if bad > patience:
            for i, old in enumerate(lrs):
                new = max(old * factor, min_lrs[i])
                if old - new > eps:
                    lrs[i] = new
            cool, bad = cooldown, 0
        out.append(list(lrs))
    return out


LOSSES = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.8, 0.85, 0.85, 0.85, 0.85, 0.7, 0.71, 0.72, 0.73, 0.74, float("nan"), 0.75, 0.76, 0.77, 0.78, 0.79, 0.8]
ACCURACIES = [0.5, 0.6, 0.6, 0.605, 0.61, 0.62, 0.62, 0.62, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.71, 0.71, 0.71, 0.71, 0.71, 0.72, 0.72, 0.72, 0.72, 0.72, 0.72]

PLATEAUS = [
    ("plateau_min_rel", dict(lrs=[0.1, 0.01], metrics=LOSSES, patience=2, cooldown=1, factor=0.5, min_lrs=[0.02, 0.001])),
    ("plateau_min_abs", dict(lrs=[1.0], metrics=LOSSES, patience=1, threshold=0.05, threshold_mode="abs", factor=0.3)),
    ("plateau_max_rel", dict(lrs=[0.1], metrics=ACCURACIES, mode="max", patience=1, threshold=0.01)),
    ("plateau_max_abs", dict(lrs=[0.1], metrics=ACCURACIES, mode="max", patience=0, threshold_mode="abs", threshold=0.005, cooldown=2, min_lrs=[0.0005])),
    ("plateau_default", dict(lrs=[0.1], metrics=LOSSES)),
]


def optimizer_case(name, rule, hyper):
    """The iterates, plus ASGD's averaged parameters `ax` after the last step."""
    out, st = trajectory(rule, hyper)
    case = {"name": name, "trajectory": out}
    if "shape" in hyper:
        case["shape"] = hyper["shape"]
    if "ax" in st:
        case["ax"] = st["ax"]
    return case


def main():
    golden = {
        "theta0": THETA0,
        "curvature": CURV,
        "optimizers": [optimizer_case(n, r, h) for n, r, h in OPTIMIZERS],
        "schedules": [{"name": n, "base_lr": b, "lrs": lrs} for n, b, lrs in SCHEDULES],
        "plateaus": [
            {"name": n, "metrics": [m if m == m else None for m in kw["metrics"]], "lrs": plateau(**kw)}
            for n, kw in PLATEAUS
        ],
    }
    print(json.dumps(golden, indent=1))


if __name__ == "__main__":
    main()
