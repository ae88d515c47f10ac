"""Which worker judges a row: the one whose cache holds the row's best candidate."""

from __future__ import annotations

from app.cleaning.judge import Job
from app.cleaning.prepare import Router


def job(position: int, *candidates: int) -> Job:
    return Job(position, (), candidates, {}, position)


def test_a_row_goes_to_the_worker_that_judged_its_best_candidate() -> None:
    router = Router(2)
    first = router.route([job(0), job(1), job(2), job(3)])
    assert sorted(first[0] + first[1]) == [0, 1, 2, 3]
    worker_of = {i: w for w, indices in enumerate(first) for i in indices}
    later = router.route([job(4, 2, 0), job(5, 1), job(6, 3, 1), job(7)])
    assert 0 in later[worker_of[2]]
    assert 1 in later[worker_of[1]]
    assert 2 in later[worker_of[3]]


def test_rows_of_one_company_are_not_all_given_to_one_worker() -> None:
    router = Router(2)
    router.route([job(0)])
    shares = router.route([job(p, 0) for p in range(1, 101)])
    assert max(len(s) for s in shares) <= Router.SHARE * 100 / 2 + 1
    assert sorted(shares[0] + shares[1]) == list(range(100))


def test_a_resumed_run_routes_rows_whose_candidates_were_judged_before_it() -> None:
    router = Router(3)
    shares = router.route([job(500, 499, 17), job(501, 500), job(502)])
    worker_of = {i: w for w, indices in enumerate(shares) for i in indices}
    assert sorted(worker_of) == [0, 1, 2]
    assert worker_of[1] == worker_of[0]
