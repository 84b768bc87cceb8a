"""One serving job, in its worker process: gate, load, build the requests, then per layout
the LoadGen scenarios and the Server search; then repeats of the best, cold start, and the
accuracy mode when asked."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from harness.suite import Progress, SuiteOutput
from models_registry.meta import ModelMeta
from suites.serving.batcher import Batching
from suites.serving.layouts import Layout, layouts_for
from suites.serving.scenarios import RunLengths, Scenarios
from suites.serving.search import Probe, Search, SearchPlan, search_qps
from suites.serving.sut import FLUSH_DENORMAL_NOTE, serving

if TYPE_CHECKING:
    from suites.serving.config import ServingConfig
    from suites.serving.requests import RequestSet

# Server: 460 queries, the fewest with which LoadGen's early stopping can pass a p99 (459
# with none over the bound).
QUICK_LENGTHS = RunLengths(single_ms=1000, single_queries=64, server_ms=1000,
                           server_queries=460, offline_ms=1000, offline_samples=128)
# The Server search starts below the Offline rate (all requests at once, full batches): a
# served p99 bound leaves less than that.
START_SHARE = 0.8
QUICK_SEARCH_S = 120.0  # per layout: bisection stops here, the bracket is the resolution


def start_rate(single_mean_ms: float, streams: int, bound_ms: float, offline: float | None
               ) -> float:
    """Where a search starts: one stream busy a share 1 − S/B of the time (S the mean
    single-request latency, B the bound: a heavy-traffic rule of thumb), per stream, and
    never above most of the Offline rate. Only the start: the probes decide."""
    service = single_mean_ms / 1000
    guess = streams * max(1 - single_mean_ms / bound_ms, 0.1) / service
    return min(guess, START_SHARE * offline) if offline else guess


def run_lengths(config: ServingConfig) -> RunLengths:
    return RunLengths.mlperf() if config.run_lengths == "mlperf" else QUICK_LENGTHS


def _requests(meta: ModelMeta, config: ServingConfig, model: Any, weights: Any) -> RequestSet:
    from harness.padding import padding_tokenizer
    from suites.serving.requests import news_requests, squad_requests

    tokenizer, _ = padding_tokenizer(meta, weights)
    limit = int(getattr(model.config, "max_position_embeddings", 512))
    if config.serving_set == "squad":
        return squad_requests(config.squad_file, "2.0", tokenizer, config.requests,
                              config.seed, limit)
    return news_requests(config.data, tokenizer, config.requests, config.seed, limit)


class _Watch:
    """Every LoadGen run's machine record (repeated while disturbed), for the job's flag."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def __call__(self, run: Any) -> Any:
        from harness.timing.disturbance import measure_undisturbed

        value, machine = measure_undisturbed(run)
        self.records.append(machine)
        return value


class _ServingJob:
    """What one job serves and how: the model's conversion, the requests, the batching and
    LoadGen's run lengths; each layout's runs and searches are added as they are made."""

    def __init__(self, meta: ModelMeta, config: ServingConfig, backend: Any, model: Any,
                 requests: RequestSet, progress: Progress) -> None:
        self.meta, self.config, self.backend, self.model = meta, config, backend, model
        self.requests, self.progress = requests, progress
        self.batching = Batching(config.max_batch, config.max_queue_delay_ms, config.padding,
                                 requests.max_length)
        self.lengths, self.bound, self.watch = run_lengths(config), config.latency_bound_ms, \
            _Watch()
        self.plan = SearchPlan(precision=config.search_precision, max_probes=config.max_probes,
                               max_seconds=None if self.lengths.is_mlperf() else QUICK_SEARCH_S)
        self.example = requests.batch([0], len(requests.input_ids[0]))
        self.layouts = layouts_for(config.threads, config.layouts)
        self.logs: dict[str, Any] = {}
        self.tried: list[dict[str, Any]] = []
        self.searches: dict[Layout, Search] = {}
        self.single: dict[str, Any] | None = None
        self.offline_best: dict[str, Any] | None = None

    def prepare(self) -> Any:
        return self.backend.prepare(self.model, self.example)

    def scenarios(self, batcher: Any, seed_offset: int = 0) -> Scenarios:
        return Scenarios(batcher, len(self.requests.input_ids), self.lengths, self.bound,
                         self.config.seed + seed_offset)

    def run_layout(self, layout: Layout) -> None:
        """SingleStream (once, on the first layout), Offline, then the Server search: in
        full on the first layout, as a challenge at the rate to beat on the others."""
        self.progress(f"{self.meta.name} {self.backend.name}: layout {layout.label}")
        with serving(self.prepare, self.requests, layout, self.batching) as (batcher, _, _):
            scenarios = self.scenarios(batcher)
            if self.single is None:  # one query at a time: the layout's threads all serve it
                result, _ = self.watch(scenarios.single_stream)
                self.single = {**result.to_dict(), "layout": layout.label}
                self.logs["SingleStream"] = {"summary": result.summary, "detail": result.detail}
            offline = self._offline(scenarios, layout)
            entry = {"layout": layout.label, "streams": layout.streams,
                     "threads": layout.threads, "offline": offline}
            entry["server"] = (None if _unreachable(self.single, self.bound) else
                               self._search(scenarios, layout, offline["samples_per_s"])
                               .to_dict())
            self.tried.append(entry)

    def _offline(self, scenarios: Scenarios, layout: Layout) -> dict[str, Any]:
        rate = 1000.0 / max(self.single["latency_ms"].get("mean") or 1.0, 1e-3)
        offline, batches = self.watch(partial(scenarios.offline, 2 * rate))
        if not offline.validity.get("min duration", True) and offline.completed_qps:
            # LoadGen sized its one query from a hint below the real rate: size it again.
            offline, batches = self.watch(partial(scenarios.offline,
                                                  1.25 * offline.completed_qps))
        record = {**offline.to_dict(), "samples_per_s": offline.completed_qps,
                  **{f"batches_{k}": v for k, v in batches.items()}}
        best = self.offline_best
        if offline.valid and (best is None or (offline.completed_qps or 0)
                              > (best["samples_per_s"] or 0)):
            self.offline_best = {**record, "layout": layout.label}
            self.logs["Offline"] = {"summary": offline.summary, "detail": offline.detail}
        return record

    def _search(self, scenarios: Scenarios, layout: Layout, offline: float | None) -> Search:
        kept: list[tuple[float, Any]] = []

        def probe(qps: float) -> Probe:
            result = self.watch(partial(scenarios.probe, qps, kept))
            self.progress(f"{self.meta.name} {layout.label}: Server at {qps:.1f} QPS: "
                          + ("VALID" if result.valid else f"INVALID ({result.why_invalid})")
                          + f", p99 {result.p99_ms} ms")
            return result

        mean_ms = self.single["latency_ms"]["mean"]
        # Below a tenth of one stream's rate the queue is empty: nothing lower can pass.
        plan = replace(self.plan, floor_qps=max(self.plan.floor_qps, 100.0 / mean_ms))
        best = max((s.qps for s in self.searches.values() if s.qps), default=None)
        if best is None:
            start = max(start_rate(mean_ms, layout.streams, self.bound, offline),
                        plan.floor_qps)
            scenarios.warm_up(start)
            search = search_qps(probe, start, plan)
        else:
            scenarios.warm_up(best)
            search = search_qps(probe, best * (1 + plan.precision), plan, challenge=True)
        self.searches[layout] = search
        chosen = next((r for qps, r in reversed(kept) if r.valid and qps == search.qps), None)
        if chosen is not None and search.qps == max(s.qps or 0 for s in self.searches.values()):
            self.logs["Server"] = {"summary": chosen.summary, "detail": chosen.detail}
        return search

    def server_record(self) -> dict[str, Any]:
        """The best layout's QPS, its repeats (each a search again from its rate), and its
        margin over the single-stream layout; or why there is none."""
        valid = {layout: s for layout, s in self.searches.items() if s.qps}
        if not valid:
            return self._none()
        layout, search = max(valid.items(), key=lambda kv: kv[1].qps or 0)
        repeats = [search]
        for k in range(1, self.config.search_repeats):
            self.progress(f"{self.meta.name} {layout.label}: repeat search "
                          f"{k + 1}/{self.config.search_repeats}")
            with serving(self.prepare, self.requests, layout, self.batching) as (b, _, _):
                scenarios = self.scenarios(b, seed_offset=k)
                scenarios.warm_up(search.qps)
                repeats.append(search_qps(
                    lambda q, s=scenarios: self.watch(partial(s.probe, q)), search.qps,
                    self.plan))
        baseline = self.layouts[0]
        base = self.searches.get(baseline)
        margin = round(search.qps / base.qps, 4) if base is not None and base.qps else None
        return {"qps": round(float(search.qps), 3), "layout": layout.label,
                "repeats": [round(float(s.qps), 3) if s.qps else None for s in repeats],
                "brackets": [[s.qps, s.above] for s in repeats],
                "curve": [p.to_dict() for p in sorted(search.probes, key=lambda p: p.qps)],
                "none": None, "margin_vs_single_stream": margin,
                "single_stream_layout": baseline.label,
                "single_stream_layout_qps": base.qps if base is not None else None,
                "searches": [s.to_dict() for s in repeats[1:]]}

    def _none(self) -> dict[str, Any]:
        latency = self.single["latency_ms"]
        bound = self.bound
        why = (f"SingleStream p90 is {latency['p90']:.1f} ms"
               if latency.get("p90", 0) > bound else
               f"SingleStream p99 is {latency['p99']:.1f} ms (p90 {latency['p90']:.1f} ms)"
               if latency.get("p99", 0) > bound else
               "no probe passed: " + "; ".join(s.stopped for s in self.searches.values()))
        return {"qps": None, "layout": None, "repeats": [], "brackets": [], "curve": [],
                "none": f"no QPS meets p99 <= {bound:g} ms; {why}",
                "single_stream_p99_ms": latency.get("p99"), "margin_vs_single_stream": None}

    def metrics(self, parity: dict[str, Any] | None, server: dict[str, Any],
                cold: dict[str, Any] | None, accuracy: dict[str, Any] | None,
                loadgen_version: str | None, notes: list[str]) -> dict[str, Any]:
        from harness.timing.disturbance import summarize

        detail = self.logs.get("SingleStream", {}).get("detail", {})
        return {
            "backend": self.backend.name, "precision": self.backend.precision,
            "parity": parity, "requests": self.requests.describe(),
            "latency_bound_ms": self.bound, "run_lengths": self.lengths.to_dict(),
            "batching": {**asdict(self.batching), "label": self.batching.label},
            "single_stream": self.single, "layouts": self.tried, "server": server,
            "offline": self.offline_best or {"valid": False, "samples_per_s": None},
            "cold_start": cold, "accuracy": accuracy,
            "loadgen": {"version": detail.get("loadgen_version") or loadgen_version,
                        "logs": self.logs},
            "machine": summarize(self.watch.records), "notes": notes,
        }


def serve_model(meta: ModelMeta, config: ServingConfig, progress: Progress) -> SuiteOutput:
    from harness.accuracy.gate import gated_parity
    from harness.backends import get_backend
    from harness.runtime import configure_torch, load_for_job, runtime_record
    from suites.serving.loadgen import require_loadgen

    lg = require_loadgen()
    configure_torch(config)
    backend = get_backend(config.backend)
    if reason := backend.unavailable():
        raise RuntimeError(reason)
    parity = gated_parity(backend, meta, config, progress)
    progress(f"{meta.name} {backend.name}: load")
    model, weights, meta = load_for_job(meta, config)
    job = _ServingJob(meta, config, backend, model, _requests(meta, config, model, weights),
                      progress)
    for layout in job.layouts:
        job.run_layout(layout)
    server = job.server_record()
    cold = None
    if config.cold_starts:
        progress(f"{meta.name} {backend.name}: cold start × {config.cold_starts}")
        cold = _cold_start(meta, model, weights, backend.name, job.layouts[0], job.requests,
                           config)
    accuracy = None
    if config.accuracy:
        from suites.serving.accuracy import served_accuracy

        progress(f"{meta.name} {backend.name}: accuracy mode")
        accuracy = served_accuracy(meta, config, backend, job.batching, job.layouts[0],
                                   progress)
    runtime = runtime_record(config, model)
    runtime.update(backend=backend.name, precision=backend.precision,
                   inputs="real text: the request set's token ids",
                   flush_denormal=FLUSH_DENORMAL_NOTE)
    notes = []
    if not job.lengths.is_mlperf():
        notes.append("quick preset: LoadGen's minimum duration and query counts lowered "
                     f"({job.lengths.server_ms} ms / {job.lengths.server_queries} queries per "
                     "Server run, MLPerf: 600 s / 270,336); --full uses MLPerf's own minimums")
    if weights.source == "random-init":
        notes.append("random-init weights: cost figures only (served answers mean nothing)")
    return SuiteOutput(
        metrics=job.metrics(parity, server, cold, accuracy, getattr(lg, "__version__", None),
                            notes),
        runtime=runtime, weights=weights, family=meta.family, notes=notes,
    )


def _unreachable(single: dict[str, Any], bound: float) -> bool:
    """One request alone already misses the bound 1% of the time: queueing only adds, so no
    Poisson rate can meet p99 ≤ bound, and searching down would take ever longer probes."""
    return (single["latency_ms"].get("p99") or 0.0) > bound


def _cold_start(meta: ModelMeta, model: Any, weights: Any, backend: str, layout: Layout,
                requests: RequestSet, config: ServingConfig) -> dict[str, Any]:
    from models_registry.weights import ResolvedWeights
    from suites.serving.coldstart import measure

    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        if weights.source == "random-init" or not weights.path:
            model.save_pretrained(tmp, safe_serialization=True)
            loaded = ResolvedWeights("local-dir", tmp, "safetensors")
            source = "random-init values saved as safetensors, read from disk"
        else:
            loaded, source = weights, f"{weights.source} ({weights.format})"
        spec = {"model": meta.local_dir or meta.name,
                "weights": {k: v for k, v in loaded.to_dict().items() if k != "weights"},
                "backend": backend, "threads": layout.threads * layout.streams,
                "request": requests.input_ids[0]}
        record = measure(spec, config.cold_starts)
    return {**record, "weights_read": source, "backend": backend}
