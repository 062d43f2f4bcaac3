"""ecom-iot-agent -c /etc/ecom-iot-agent.conf"""
import argparse
import logging
import signal

from .agent import Agent, load_config


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-iot-agent',
        description="The packing station's box: scale, scanner and label "
        "printers for the ecom suite's server.")
    parser.add_argument('-c', '--config', required=True,
        help="the configuration file (INI)")
    parser.add_argument('-v', '--verbose', action='store_true')
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if options.verbose
        else logging.WARNING,
        format='%(asctime)s %(levelname)s %(name)s %(message)s')
    agent = Agent(load_config(options.config))
    signal.signal(signal.SIGTERM, lambda *_: agent.stop())
    signal.signal(signal.SIGINT, lambda *_: agent.stop())
    agent.run()


if __name__ == '__main__':
    main()
