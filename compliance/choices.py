"""Enums of the compliance app."""

from django.db import models


class ComplianceType(models.TextChoices):
    """The regimes the seed names (GDPR, PCI DSS, SOC 2, ISO 27001) and the usual privacy laws."""

    GDPR = "gdpr", "GDPR"
    UK_GDPR = "uk_gdpr", "UK GDPR"
    CCPA = "ccpa", "CCPA / CPRA"
    LGPD = "lgpd", "LGPD"
    PIPEDA = "pipeda", "PIPEDA"
    PCI_DSS = "pci_dss", "PCI DSS"
    SOC2 = "soc2", "SOC 2"
    ISO27001 = "iso27001", "ISO 27001"


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", "compliant"
    NON_COMPLIANT = "non_compliant", "non-compliant"
    PENDING_REVIEW = "pending_review", "pending review"
    REMEDIATION_REQUIRED = "remediation_required", "remediation required"
    EXEMPT = "exempt", "exempt"


# The statuses an audit concludes with: a record in one of them carries its audit date.
AUDITED_STATUSES = (
    ComplianceStatus.COMPLIANT,
    ComplianceStatus.NON_COMPLIANT,
    ComplianceStatus.REMEDIATION_REQUIRED,
)


class DeletionPolicy(models.TextChoices):
    HARD_DELETE = "hard_delete", "hard delete"
    SOFT_DELETE = "soft_delete", "soft delete"
    ANONYMIZE = "anonymize", "anonymize"


class ArchivePolicy(models.TextChoices):
    NONE = "none", "none"
    ARCHIVE_THEN_DELETE = "archive_then_delete", "archive, then delete"
    COLD_STORAGE = "cold_storage", "cold storage"


class DataSubjectRequestType(models.TextChoices):
    """GDPR Art. 15/20 (export), Art. 17 (erasure), Art. 16 (rectification), Art. 18."""

    EXPORT = "export", "export (access / portability)"
    ERASURE = "erasure", "erasure"
    RECTIFICATION = "rectification", "rectification"
    RESTRICTION = "restriction", "restriction of processing"


class DataSubjectRequestStatus(models.TextChoices):
    RECEIVED = "received", "received"
    IN_PROGRESS = "in_progress", "in progress"
    COMPLETED = "completed", "completed"
    REJECTED = "rejected", "rejected"


class DataSubjectRequestSource(models.TextChoices):
    API = "api", "API"
    ADMIN = "admin", "admin"
    SHOPIFY_WEBHOOK = "shopify_webhook", "Shopify webhook"
    COMMAND = "command", "management command"
    RETENTION = "retention", "retention policy"


class ConsentPurpose(models.TextChoices):
    EMAIL_MARKETING = "email_marketing", "email marketing"
    SMS_MARKETING = "sms_marketing", "SMS marketing"
    ANALYTICS = "analytics", "analytics"
    PERSONALIZATION = "personalization", "personalization"
    THIRD_PARTY_SHARING = "third_party_sharing", "third-party sharing"


class ConsentSource(models.TextChoices):
    """Where the consent was given or withdrawn."""

    STOREFRONT = "storefront", "storefront"
    CHECKOUT = "checkout", "checkout"
    ADMIN = "admin", "admin"
    API = "api", "API"
    SHOPIFY = "shopify", "Shopify (mirrored)"
    IMPORT = "import", "import"


class ConsentOptInLevel(models.TextChoices):
    """Shopify's marketing opt-in levels (`marketing_opt_in_level`)."""

    SINGLE_OPT_IN = "single_opt_in", "single opt-in"
    CONFIRMED_OPT_IN = "confirmed_opt_in", "confirmed opt-in"
    UNKNOWN = "unknown", "unknown"
