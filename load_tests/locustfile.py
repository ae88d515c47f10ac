"""Point locust at a leadgate deployment, for operators sizing a fleet.

    pip install -e '.[load]'
    LEADGATE_API_KEY=... locust -f load_tests/locustfile.py --host https://leadgate.example.com

The requests are the load test's own (`load_tests/run.py`): realistic noisy Chinese and
English leads, a share of them copies of records `load_tests/seed.py` stores, so checks
find real duplicates when the deployment's tenant was seeded with the same seed. By
default nothing is stored (`register: false`): a load test must not fill a production
tenant. Settings, all optional:

- `LEADGATE_API_KEY`: the tenant's API key (sent as `Authorization: Bearer`);
- `LEADGATE_LOAD_SEED` (default 7): the seed of the leads, the one the index was seeded with;
- `LEADGATE_LOAD_REGISTER=1`: also send checks that store their lead (external ids
  `bench-...`, which `load_tests/run.py` knows how to remove).
"""

from __future__ import annotations

import os
from itertools import cycle

from locust import FastHttpUser, between, task

from load_tests.run import bodies

_BODIES = bodies(int(os.environ.get("LEADGATE_LOAD_SEED", "7")))
_REGISTER = os.environ.get("LEADGATE_LOAD_REGISTER") == "1"


class CrmBackend(FastHttpUser):
    """A CRM backend and its web forms: mostly checks before a save, some scoring and
    normalizing, now and then an import's batch."""

    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        key = os.environ.get("LEADGATE_API_KEY")
        self.headers = {"Content-Type": "application/json"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"
        self.bodies = {name: cycle(requests) for name, requests in _BODIES.items()}

    def _post(self, path: str, kind: str, name: str) -> None:
        self.client.post(path, data=next(self.bodies[kind]), headers=self.headers, name=name)

    @task(20)
    def check(self) -> None:
        self._post("/v1/check", "check", "/v1/check")

    @task(4)
    def check_and_register(self) -> None:
        if _REGISTER:
            self._post("/v1/check", "check register", "/v1/check register")

    @task(4)
    def normalize(self) -> None:
        self._post("/v1/normalize", "normalize", "/v1/normalize")

    @task(4)
    def score(self) -> None:
        self._post("/v1/score", "score", "/v1/score")

    @task(1)
    def batch(self) -> None:
        self._post("/v1/check/batch", "batch", "/v1/check/batch")
