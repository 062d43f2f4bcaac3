"""ecom-iot-agent: the program of a packing station's box.

It reads the station's scale and scanner, prints the server's jobs on the
station's label printers and keeps what it reports in an on-disk buffer
while the server is away.  It needs only the standard library and
pyserial, not trytond.
"""
