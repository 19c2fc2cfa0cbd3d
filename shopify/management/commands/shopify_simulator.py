"""`python manage.py shopify_simulator`: serve a generated Shopify store until interrupted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shopify.simulator import Faults, Simulator


class Command(BaseCommand):
    help = "Serve a deterministic simulated Shopify store (Admin GraphQL, bulk, OAuth, webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--products", type=int, default=200)
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--orders", type=int, default=400)
        parser.add_argument("--locations", type=int, default=2)
        parser.add_argument("--big-product", action="store_true", help="one 2,048-variant product")
        parser.add_argument("--no-fixtures", action="store_true")
        parser.add_argument(
            "--plan", choices=["standard", "advanced", "plus", "off"], default="off"
        )
        parser.add_argument("--webhook-address", default=None, help="receives every topic")
        parser.add_argument("--error-rate", type=float, default=0.0, help="share of 502/503s")
        parser.add_argument("--timeout-rate", type=float, default=0.0)

    def handle(self, *args: Any, **options: Any) -> None:
        simulator = Simulator.generate(
            seed=options["seed"],
            products=options["products"],
            customers=options["customers"],
            orders=options["orders"],
            locations=options["locations"],
            big_product=options["big_product"],
            fixtures=not options["no_fixtures"],
        )
        simulator.plan = None if options["plan"] == "off" else options["plan"]
        simulator.faults = Faults(
            seed=options["seed"],
            error_rate=options["error_rate"],
            timeout_rate=options["timeout_rate"],
        )
        simulator.webhook_address = options["webhook_address"]
        server = simulator.serve(host=options["host"], port=options["port"])
        self.stdout.write(f"base URL:    {server.base_url}")
        self.stdout.write(f"GraphQL:     {server.graphql_url}")
        self.stdout.write(f"shop domain: {simulator.shop_domain}")
        self.stdout.write(f"token:       {simulator.access_token}")
        self.stdout.write(f"api key:     {simulator.api_key}")
        self.stdout.write(f"api secret:  {simulator.api_secret}")
        self.stdout.flush()
        try:
            server.wait()
        except KeyboardInterrupt:
            self.stdout.write("stopping")
        finally:
            server.stop()
