from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import DefaultPagination
from config.api.schema import ERROR_RESPONSES
from trading import selectors, services
from trading.api.serializers import (
    AccountOutputSerializer,
    AccountResetInputSerializer,
    LedgerFilterSerializer,
    LedgerLineOutputSerializer,
)


class AccountDetailApi(APIView):
    @extend_schema(
        operation_id="account_retrieve",
        summary="Read your paper account",
        responses={200: AccountOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        account = selectors.paper_account_for_user(user=request.user)
        summary = selectors.account_summary(account=account)
        return Response(AccountOutputSerializer(summary).data)


class AccountResetApi(APIView):
    @extend_schema(
        operation_id="account_reset",
        summary="Reset your paper account to the starting balance",
        description="Cancels open orders, closes positions and restores the starting "
        "balance through ledger entries; the history stays.",
        request=AccountResetInputSerializer,
        responses={200: AccountOutputSerializer, **ERROR_RESPONSES},
        tags=["account"],
    )
    def post(self, request):
        AccountResetInputSerializer(data=request.data).is_valid(raise_exception=True)
        account = selectors.paper_account_for_user(user=request.user)
        services.account_reset(account=account, requested_by=request.user)
        summary = selectors.account_summary(account=account)
        return Response(AccountOutputSerializer(summary).data, status=status.HTTP_200_OK)


class LedgerListApi(APIView):
    @extend_schema(
        operation_id="account_ledger_list",
        summary="List your ledger lines, newest first",
        parameters=[LedgerFilterSerializer],
        responses={200: LedgerLineOutputSerializer(many=True), **ERROR_RESPONSES},
        tags=["account"],
    )
    def get(self, request):
        filters = LedgerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        account = selectors.paper_account_for_user(user=request.user)
        lines = selectors.ledger_line_list(account=account, **filters.validated_data)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(lines, request, view=self)
        return paginator.get_paginated_response(LedgerLineOutputSerializer(page, many=True).data)
