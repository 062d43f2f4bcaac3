"""Run the platform simulator: ``ecom-simulator`` (or
``python -m devtools.simulator``)"""
import argparse
import signal
import threading

from .server import Simulator


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-simulator',
        description="Serve simulated Taobao, JD, Pinduoduo, Douyin and "
        "Shopify APIs on loopback")
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8700)
    parser.add_argument('--state', default='platform-sim.json',
        help="JSON file that keeps shops, listings and orders")
    parser.add_argument('--rate', type=float, default=6,
        help="new orders per minute over all shops (0: none)")
    parser.add_argument('--seed', type=int, default=None)
    options = parser.parse_args(argv)
    simulator = Simulator(options.state, rate=options.rate,
        seed=options.seed).start(options.host, options.port)
    print("platform simulator on %s (state %s, %s orders/min)" % (
            simulator.url, options.state, options.rate), flush=True)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *a: stopped.set())
    stopped.wait()
    simulator.stop()


if __name__ == '__main__':
    main()
