from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Store"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from core import audit, checks, log_hygiene, pci
        from core.api import schema  # noqa: F401 - registers the OpenAPI auth extension

        log_hygiene.install_record_factory()
        # Card numbers are masked before anything else sees the instance (auditlog's diff
        # included): this receiver is connected before auditlog registers its own.
        pre_save.connect(pci.mask_pans_before_save, dispatch_uid="core.pci.mask_pans_before_save")
        audit.audit_register_models()
        audit.connect_entry_receivers()
        checks.register()
        _propagate_request_id_to_tasks()


def _propagate_request_id_to_tasks() -> None:
    """A task published during a request runs under that request's id (logs, audit cid)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    from core import request_context

    tokens: dict[str, Any] = {}

    @before_task_publish.connect(weak=False, dispatch_uid="core.request_id.publish")
    def _publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
        rid = request_context.request_id()
        if headers is not None and rid:
            headers.setdefault("stockroom_request_id", rid)

    @task_prerun.connect(weak=False, dispatch_uid="core.request_id.prerun")
    def _prerun(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
        if request_context.current() is not None:
            return  # eager: already inside the request's context
        given = getattr(getattr(task, "request", None), "stockroom_request_id", None)
        rid = request_context.sane_request_id(given) or request_context.new_request_id()
        manager = request_context.bound(rid)
        manager.__enter__()
        tokens[task_id] = manager

    @task_postrun.connect(weak=False, dispatch_uid="core.request_id.postrun")
    def _postrun(task_id: str = "", **kwargs: Any) -> None:
        manager = tokens.pop(task_id, None)
        if manager is not None:
            manager.__exit__(None, None, None)
