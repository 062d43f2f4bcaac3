"""The on-disk buffer of what the box reports (the outbox), and the print
jobs it printed.

A report is written to the buffer before it is sent, with its sequence
number, and removed once the server took it: after a crash or while the
server is away the reports wait on disk and go in order, each once (the
server ignores a sequence number it has taken).  The numbers start from
the clock when the buffer is made, so a box whose buffer was lost still
numbers its reports above the old ones; at start the agent also asks the
server for the last number it took.
"""
import json
import sqlite3
import threading
import time


class Outbox:

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(path, check_same_thread=False,
            isolation_level=None)
        self.connection.execute('PRAGMA journal_mode=WAL')
        self.connection.execute('PRAGMA synchronous=FULL')
        with self.lock:
            self.connection.execute('CREATE TABLE IF NOT EXISTS report ('
                'seq INTEGER PRIMARY KEY AUTOINCREMENT, '
                'path TEXT NOT NULL, body TEXT NOT NULL)')
            self.connection.execute('CREATE TABLE IF NOT EXISTS printed ('
                'job INTEGER NOT NULL, copy INTEGER NOT NULL, '
                'PRIMARY KEY (job, copy))')
            started = self.connection.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'report'"
                ).fetchone()
            if not started:
                self.connection.execute(
                    "INSERT INTO sqlite_sequence (name, seq) "
                    "VALUES ('report', ?)", (int(time.time()),))

    def number_after(self, last):
        "Number the next reports above last, the server's last taken"
        with self.lock:
            self.connection.execute("UPDATE sqlite_sequence SET seq = ? "
                "WHERE name = 'report' AND seq < ?", (last, last))

    def put(self, path, body):
        "Keep the report on disk; return its sequence number"
        with self.lock:
            cursor = self.connection.execute(
                'INSERT INTO report (path, body) VALUES (?, ?)',
                (path, json.dumps(body)))
            return cursor.lastrowid

    def first(self):
        "The oldest report not delivered: (seq, path, body) or None"
        with self.lock:
            row = self.connection.execute('SELECT seq, path, body '
                'FROM report ORDER BY seq LIMIT 1').fetchone()
        if row:
            seq, path, body = row
            return seq, path, dict(json.loads(body), seq=seq)
        return None

    def done(self, seq):
        with self.lock:
            self.connection.execute('DELETE FROM report WHERE seq = ?',
                (seq,))

    def __len__(self):
        with self.lock:
            return self.connection.execute(
                'SELECT COUNT(*) FROM report').fetchone()[0]

    def printed(self, job, copy):
        "Whether the job's copy was printed already"
        with self.lock:
            return bool(self.connection.execute('SELECT 1 FROM printed '
                'WHERE job = ? AND copy = ?', (job, copy)).fetchone())

    def mark_printed(self, job, copy):
        with self.lock:
            self.connection.execute('INSERT OR IGNORE INTO printed '
                '(job, copy) VALUES (?, ?)', (job, copy))

    def close(self):
        self.connection.close()
