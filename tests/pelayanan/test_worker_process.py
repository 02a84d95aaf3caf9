"""What each Celery worker process does around its tasks (pelayanan/celery.py) and where tasks are queued.

A worker keeps its database connection from task to task, drops it like Django drops a request's
connection (too old, or broken), never touches the connection of a task run eagerly inside a request,
tunes the garbage collector once, and e-mail goes to its own queue.
"""

import gc
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from pelayanan.celery import app, close_old_db_connections, tune_gc


def task(eager):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def reuse_connections(settings):
    old = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()  # the next query opens a connection that knows it may live 60 s
    yield
    connection.settings_dict["CONN_MAX_AGE"] = old
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_from_one_task_to_the_next(reuse_connections):
    connection.ensure_connection()
    before = connection.connection

    close_old_db_connections(sender=task(eager=False))  # task_postrun of one task
    close_old_db_connections(sender=task(eager=False))  # task_prerun of the next

    assert connection.connection is before and not before.closed
    # Celery's Django fixup closes the connection around every task unless DB_REUSE_MAX is set.
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_dropped_and_the_next_task_reconnects(reuse_connections):
    connection.ensure_connection()
    # The server went away (a restart, a dropped connection) and the task's statement failed.
    connection.connection.close()
    connection.errors_occurred = True

    close_old_db_connections(sender=task(eager=False))

    assert connection.connection is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_an_eager_task_never_closes_the_connection_of_the_request_that_ran_it():
    with transaction.atomic():
        connection.ensure_connection()
        before = connection.connection

        close_old_db_connections(sender=task(eager=True))

        assert connection.connection is before and connection.in_atomic_block


def test_gc_is_tuned_once_per_worker_process():
    thresholds = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold()[0] >= 5_000
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_email_has_its_own_queue_and_letters_stay_on_the_default_one():
    router = app.amqp.router
    assert router.route({}, "pelayanan.tasks.send_email")["queue"].name == "mail"
    assert router.route({}, "requests_app.tasks.send_status_email")["queue"].name == "mail"
    assert router.route({}, "requests_app.tasks.generate_letter")["queue"].name == app.conf.task_default_queue
    # A worker started without -Q consumes every declared queue.
    assert {queue.name for queue in app.conf.task_queues} == {"celery", "mail"}
