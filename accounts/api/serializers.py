from __future__ import annotations

from rest_framework import serializers


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, trim_whitespace=True)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="A 6-digit code from the authenticator app, or an unused recovery code. "
        "Required when the account has an MFA device (every staff account does).",
    )


class TokenRefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(
        max_length=4096,
        required=False,
        help_text="The refresh token of the login to end; without it, the login of the bearer "
        "access token ends.",
    )


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Bearer access token, valid 15 minutes.")
    refresh = serializers.CharField(
        help_text="Refresh token, valid 7 days and usable once: each refresh returns a new one. "
        "Presenting a used refresh token again revokes every token of that login."
    )
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
