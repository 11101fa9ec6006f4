"""``import_keras`` hides TensorFlow's known start-up noise but never its real error text."""

import subprocess
import sys
import textwrap


def test_a_failing_tensorflow_import_shows_its_own_error_text(tmp_path):
    (tmp_path / "keras.py").write_text(
        textwrap.dedent(
            """
            import os
            os.write(2, b"All log messages before absl::InitializeLog() is called are written")
            os.write(2, b" to STDERR\\n")
            os.write(2, b"libtensorflow_cc.so.2: cannot open shared object file\\n")
            raise ImportError("keras could not start")
            """
        )
    )
    code = "from seminar_lib._tfenv import import_keras\nimport_keras()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert result.returncode == 1
    assert "libtensorflow_cc.so.2: cannot open shared object file" in result.stderr
    assert "ImportError: keras could not start" in result.stderr
    assert "absl::InitializeLog" not in result.stderr  # the known harmless line is dropped
