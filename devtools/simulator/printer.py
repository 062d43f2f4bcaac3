"""A label printer on raw TCP (port 9100 on a real one), as the tests and
benchmarks stand it in: it keeps the bytes of each print job and when they
came."""
import socket
import threading
import time


class RawPrinter:

    def __init__(self):
        self.socket = socket.create_server(('127.0.0.1', 0))
        self.port = self.socket.getsockname()[1]
        self.address = '127.0.0.1:%d' % self.port
        # (time.monotonic() when the job ended, its bytes)
        self.jobs = []
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def received(self):
        "The bytes of each job, in order"
        return [data for _, data in self.jobs]

    def serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                data = b''
                while chunk := connection.recv(65536):
                    data += chunk
                self.jobs.append((time.monotonic(), data))

    def close(self):
        self.socket.close()
