"""A minimal ``virtuoso.ini`` for running Virtuoso as a toolkit store, used by
the tests and the benchmark and described in docs/scale.md.

Two settings matter beyond Virtuoso's defaults: ``DefaultIsolation = 8``
(serializable), which makes a graph replaced by MOVE invisible to readers until
it is whole, and ``TransactionAfterImageLimit``, raised from 50 MB so that the
MOVE of a graph of some hundred thousand triples is not aborted. Everything
else is sized by the caller: the buffers decide how much memory the server
uses.
"""
from __future__ import annotations

from pathlib import Path

_TEMPLATE = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
DirsAllowed = ., {d}
MaxQueryMem = {query_mem}
DefaultIsolation = 8
TransactionAfterImageLimit = 1500000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""


def render(directory: Path, sql_port: int, http_port: int, *, buffers: int = 20_000,
           dirty_buffers: int = 15_000, query_mem: str = "200M", max_rows: int = 1_000_000) -> str:
    """The ini text for a server keeping its files in `directory`, listening on
    127.0.0.1 only. 20,000 buffers are about 160 MB; 340,000 about 2.7 GB."""
    return _TEMPLATE.format(d=directory, sql_port=sql_port, http_port=http_port, buffers=buffers,
                            dirty_buffers=dirty_buffers, query_mem=query_mem, max_rows=max_rows)
