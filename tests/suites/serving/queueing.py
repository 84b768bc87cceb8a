"""Queueing theory for a server with a fixed service time D and Poisson arrivals: the p99
of the time in system, and the highest arrival rate whose p99 stays under a bound."""

from __future__ import annotations

import math
import random
from decimal import Decimal, getcontext


def md1_sojourn_cdf(x: float, rate: float, service: float) -> float:
    """P(time in system ≤ x) for M/D/1: Erlang's waiting-time distribution (Crommelin),
    P(W ≤ t) = (1 − ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD − t))^k / k! · e^{−λ(kD − t)}, at t = x − D.
    Summed in 60-digit decimals: the terms alternate in sign and cancel."""
    t = x - service
    if t < 0:
        return 0.0
    getcontext().prec = 60
    lam, d, t_ = Decimal(rate), Decimal(service), Decimal(t)
    total = Decimal(0)
    for k in range(math.floor(t / service) + 1):
        a = lam * (k * d - t_)
        total += (a ** k if k else Decimal(1)) / math.factorial(k) * (-a).exp()
    return float((1 - lam * d) * total)


def mdc_sojourn_p99(rate: float, service: float, servers: int, n: int = 200_000,
                    seed: int = 1) -> float:
    """p99 of time in system for M/D/c, by the Kiefer–Wolfowitz recursion (the exact queue
    dynamics, evaluated on ``n`` Poisson arrivals after a warm-up)."""
    rng = random.Random(seed)
    free = [0.0] * servers  # when each server is next free, sorted
    clock, times = 0.0, []
    for i in range(n + n // 10):
        clock += rng.expovariate(rate)
        start = max(clock, free[0])
        free[0] = start + service
        free.sort()
        if i >= n // 10:
            times.append(start + service - clock)
    times.sort()
    return times[int(0.99 * len(times))]


def md1_sojourn_p99(rate: float, service: float) -> float:
    lo, hi = service, service * 200
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if md1_sojourn_cdf(mid, rate, service) < 0.99 else (lo, mid)
    return hi


def max_rate(p99: callable, bound: float, service: float, servers: int) -> float:
    """The highest arrival rate whose p99 time in system is at most ``bound``."""
    lo, hi = 1e-6, servers / service * (1 - 1e-9)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if p99(mid) <= bound else (lo, mid)
    return lo
