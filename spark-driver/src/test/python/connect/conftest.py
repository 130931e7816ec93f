"""
The Spark Connect tests: a Spark Connect server started for the run on loopback — PySpark's own
spark-submit running org.apache.spark.sql.connect.service.SparkConnectServer (the spark-connect_2.13
jar PySpark ships) with the hyperreg jar on --jars — and a Connect client session to it. They run in
a pytest process of their own (run.sh): once a Python process is a Connect client, PySpark's ML
wrappers all take the remote path, so it cannot also hold the classic local session of the others.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hyperreg

SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def connect_server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("connect-server") / "server.log"
    spark_submit = Path(sys.executable).with_name("spark-submit")
    command = [
        str(spark_submit), "--class", SERVER, "--master", "local[2]",
        "--jars", ",".join(hyperreg.jars()),
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", "spark.connect.grpc.binding.port=%d" % port,
        "--conf", "spark.ui.enabled=false",
    ]
    import pyspark

    # the pip-installed PySpark is the Spark home (its jars/ holds spark-connect_2.13)
    env = dict(os.environ, SPARK_HOME=str(Path(pyspark.__file__).parent))
    with open(log, "w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.time() + 180
        while True:
            if server.poll() is not None:
                pytest.fail("the Spark Connect server exited (%d):\n%s" % (server.returncode, log.read_text()[-4000:]))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("no Spark Connect server on port %d after 180 s:\n%s" % (port, log.read_text()[-4000:]))
                time.sleep(0.5)
        yield "sc://127.0.0.1:%d" % port
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def spark(connect_server):
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(connect_server).getOrCreate()
    assert type(session).__module__.startswith("pyspark.sql.connect"), type(session)
    yield session
    session.stop()
