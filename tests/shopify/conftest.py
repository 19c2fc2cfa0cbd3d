"""Shopify fixtures: a small generated simulator store, and the same store served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopify.simulator import Simulator
from shopify.simulator.server import SimulatorServer


@pytest.fixture
def simulator() -> Simulator:
    """A small deterministic store (seed 1): 20 generated products plus Shopify's fixture
    products, 20 customers (+ fixtures), 40 orders, 2 generated locations (+ fixtures)."""
    return Simulator.generate(
        seed=1, products=20, customers=20, orders=40, locations=2, big_product=False, fixtures=True
    )


@pytest.fixture
def simulator_server(simulator: Simulator) -> Iterator[SimulatorServer]:
    """`simulator` served on 127.0.0.1 (a free port); stopped after the test."""
    server = simulator.serve(host="127.0.0.1", port=0)
    try:
        yield server
    finally:
        server.stop()
        simulator.bulk.wait()
