"""The `essaim` command and the production settings, run as a user would, in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ESSAIM = str(Path(sys.executable).parent / "essaim")


def run(*args, env_extra=None, settings="config.settings.dev"):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "ESSAIM_SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = settings
    env.update(env_extra or {})
    return subprocess.run([ESSAIM, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_help_lists_the_project_commands():
    """`essaim --help` lists Essaim's own commands with their French descriptions."""
    result = run("--help")
    assert result.returncode == 0
    assert "Commandes d'Essaim" in result.stdout
    assert "load_territories" in result.stdout
    assert "load_demo" in result.stdout


PROD_ENV = {
    "SECRET_KEY": "x" * 20 + "-une-cle-de-production-suffisamment-longue-et-aleatoire-0123456789",
    "DATABASE_URL": "postgres://essaim@127.0.0.1:5432/essaim",
    "ALLOWED_HOSTS": "essaim.example.fr",
    "ESSAIM_SITE_URL": "https://essaim.example.fr",
}


def test_production_refuses_to_start_without_secret_key():
    """Production settings stop at once, in French, when SECRET_KEY is missing."""
    env = dict(PROD_ENV)
    env.pop("SECRET_KEY")
    result = run("check", env_extra=env, settings="config.settings.prod")
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_refuses_to_start_without_the_public_https_address():
    """E-mail links need the public address: production stops, in French, without an https:// one."""
    for value in (None, "http://essaim.example.fr"):
        env = dict(PROD_ENV)
        env.pop("ESSAIM_SITE_URL")
        if value:
            env["ESSAIM_SITE_URL"] = value
        result = run("check", env_extra=env, settings="config.settings.prod")
        assert result.returncode != 0
        assert "ESSAIM_SITE_URL doit donner l'adresse publique en https://" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    """`essaim check --deploy` passes with the production settings (HTTPS, HSTS, secure cookies)."""
    result = run("check", "--deploy", "--fail-level", "WARNING", env_extra=PROD_ENV, settings="config.settings.prod")
    assert result.returncode == 0, result.stdout + result.stderr


# Libraries only some work needs (≈ 2 s of CPU together): a process imports them when that work runs, never when
# it starts (a command, a job worker, each web worker; docs/performance.md « Starting a process »).
HEAVY_LIBRARIES = ("numpy", "scipy", "openpyxl", "PIL", "weasyprint")


def _python(script: str) -> list[str]:
    """What ``script`` prints, run by a new Python process on the test settings (SQLite)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_starting_a_process_and_loading_the_urls_import_no_heavy_library():
    """``django.setup()`` (every command and job worker) and the URLconf (each web worker's first request)
    import neither numpy, scipy, openpyxl, Pillow nor WeasyPrint: they come with the work that needs them."""
    script = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        f"print(' '.join(name for name in {HEAVY_LIBRARIES!r} if name in sys.modules))"
    )
    assert _python(script) == []


def test_the_heavy_libraries_still_come_with_the_work_that_needs_them():
    """The lazy imports are real imports: the risk analysis, the site selection's distances and an export
    bring their library in when called (the names stay importable from the engines' packages)."""
    script = (
        "import sys, django; django.setup();"
        "from financing_engine import run_risk_analysis, RiskResult;"
        "from territories_engine import haversine_km, DEFAULT_ROAD_FACTOR;"
        "from essaim.common.exports import xlsx_text; xlsx_text('a\\x01b');"
        "haversine_km(50.0, 3.0, [50.1], [3.1]);"
        "print(' '.join(name for name in ('numpy', 'openpyxl') if name in sys.modules), DEFAULT_ROAD_FACTOR)"
    )
    assert _python(script) == ["numpy", "openpyxl", "1.3"]


def test_a_web_worker_loads_its_urls_and_views_as_it_starts_not_on_its_first_request():
    """gunicorn loads ``config.wsgi`` before handing the worker any request: the URLconf and the view modules
    are imported there, so the first user of a new worker does not wait for them."""
    script = (
        "import sys; import config.wsgi;"
        "print(all(name in sys.modules for name in ('config.urls', 'essaim.www.steering.views')))"
    )
    assert _python(script) == ["True"]
