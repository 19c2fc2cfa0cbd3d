from __future__ import annotations

from rest_framework import serializers

from ..choices import ConsentOptInLevel, ConsentPurpose, ConsentSource
from ..models import Consent, DataSubjectRequest


class DataSubjectRequestOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataSubjectRequest
        fields = (
            "id",
            "customer_id",
            "request_type",
            "status",
            "source",
            "requested_at",
            "due_at",
            "completed_at",
            "evidence",
        )
        read_only_fields = fields


class GdprEraseInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="Must be true: the erasure is irreversible.")

    def validate_confirm(self, value: bool) -> bool:
        # The JSON literal true only: no "yes", 1 or "on" for an irreversible erasure.
        raw = self.initial_data.get("confirm") if hasattr(self.initial_data, "get") else None
        if value is not True or raw is not True:
            raise serializers.ValidationError("Confirm the irreversible erasure with true.")
        return value


class ConsentOutputSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = (
            "id",
            "customer_id",
            "purpose",
            "granted",
            "source",
            "opt_in_level",
            "recorded_at",
            "withdrawn_at",
            "ip_address",
            "recorded_by",
        )
        read_only_fields = fields

    def get_recorded_by(self, consent: Consent) -> int | None:
        return consent.recorded_by_id


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField()
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ConsentSource.choices, default=ConsentSource.API
    )
    opt_in_level = serializers.ChoiceField(
        choices=ConsentOptInLevel.choices, required=False, default=""
    )
    ip_address = serializers.IPAddressField(required=False, allow_null=True, default=None)


class ConsentStateSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    granted = serializers.BooleanField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]


class ConsentListOutputSerializer(serializers.Serializer):
    current = ConsentStateSerializer(many=True)
    history = ConsentOutputSerializer(many=True)
