"""Many clients at once (like Ansible forks): no lost or duplicated writes, consistent reads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.simulators.bigip.rest_client import Rest

THREADS = 8
REQUESTS_PER_THREAD = 25


def worker(sim, index: int) -> list[int]:
    client = Rest(sim)
    statuses = []
    try:
        statuses.append(client.post("/mgmt/tm/ltm/pool", {"name": f"pool{index}"}).status_code)
        for n in range(REQUESTS_PER_THREAD - 2):
            if n % 2:
                statuses.append(client.post(f"/mgmt/tm/ltm/pool/~Common~pool{index}/members",
                                            {"name": f"10.{index}.0.{n}:80"}).status_code)
            else:
                statuses.append(client.get("/mgmt/tm/ltm/pool").status_code)
        statuses.append(client.post("/mgmt/tm/gtm/datacenter", {"name": "shared"}).status_code)
    finally:
        client.session.close()
    return statuses


def test_parallel_clients(bigip_sim):
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda i: worker(bigip_sim, i), range(THREADS)))
    assert all(s == 200 for statuses in results for s in statuses[:-1])
    assert sorted(statuses[-1] for statuses in results) == [200] + [409] * (THREADS - 1)
    rest = Rest(bigip_sim)
    pools = rest.ok("GET", "/mgmt/tm/ltm/pool?expandSubcollections=true")["items"]
    assert len(pools) == THREADS
    assert all(len(p["membersReference"]["items"]) == (REQUESTS_PER_THREAD - 2) // 2 for p in pools)
    assert len(rest.ok("GET", "/mgmt/tm/ltm/node")["items"]) == THREADS * ((REQUESTS_PER_THREAD - 2) // 2)
    generations = [p["generation"] for p in pools]
    assert len(set(generations)) == THREADS
    assert len(bigip_sim.requests_log()) == THREADS * REQUESTS_PER_THREAD + 2
