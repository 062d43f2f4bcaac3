"""The server's box routes, called with the box's key (standard library
HTTP only)."""
import json
import socket
import urllib.error
import urllib.request


class ServerAway(Exception):
    "The server did not answer (down, restarting, network)"


class Server:

    def __init__(self, url, database, key, timeout=10):
        self.base = '%s/%s/ecom_iot' % (url.rstrip('/'), database)
        self.key = key
        self.timeout = timeout

    def call(self, method, path, body=None, timeout=None):
        "Return (status, answer); raise ServerAway when it did not answer"
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.base + path, data=data,
            method=method, headers={
                'Authorization': 'Bearer ' + self.key,
                'Content-Type': 'application/json',
                })
        try:
            with urllib.request.urlopen(request,
                    timeout=timeout or self.timeout) as response:
                return response.status, json.loads(response.read() or 'null')
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise ServerAway('HTTP %s' % error.code) from error
            return error.code, None
        except (urllib.error.URLError, socket.timeout, ConnectionError,
                OSError, ValueError) as error:
            raise ServerAway(str(error)) from error
