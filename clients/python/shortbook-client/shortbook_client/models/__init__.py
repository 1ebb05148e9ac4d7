"""Contains all the data models used in inputs/outputs"""

from .account_equity_curve_range import AccountEquityCurveRange
from .account_ledger_line_output import AccountLedgerLineOutput
from .account_ledger_list_kind import AccountLedgerListKind
from .account_output import AccountOutput
from .account_reset_input_request import AccountResetInputRequest
from .api_key_create_input_request import ApiKeyCreateInputRequest
from .api_key_created_output import ApiKeyCreatedOutput
from .api_key_output import ApiKeyOutput
from .attached_order_output import AttachedOrderOutput
from .bollinger_point import BollingerPoint
from .book_level_output import BookLevelOutput
from .breakdown_output import BreakdownOutput
from .breakdown_output_terms import BreakdownOutputTerms
from .candle_interval_enum import CandleIntervalEnum
from .candle_list_output import CandleListOutput
from .candle_output import CandleOutput
from .category_output import CategoryOutput
from .choice_output import ChoiceOutput
from .comparison_output import ComparisonOutput
from .counterparty_enum import CounterpartyEnum
from .equity_curve_output import EquityCurveOutput
from .equity_point_output import EquityPointOutput
from .error import Error
from .error_body import ErrorBody
from .error_body_fields import ErrorBodyFields
from .error_body_fields_additional_property_type_1 import ErrorBodyFieldsAdditionalPropertyType1
from .exit_input_request import ExitInputRequest
from .fibonacci_level_output import FibonacciLevelOutput
from .fibonacci_output import FibonacciOutput
from .fill_output import FillOutput
from .funding_rate_output import FundingRateOutput
from .glossary_term_output import GlossaryTermOutput
from .greeks_output import GreeksOutput
from .guide_detail_output import GuideDetailOutput
from .guide_output import GuideOutput
from .guide_progress_output import GuideProgressOutput
from .indicator_output import IndicatorOutput
from .indicator_params_output import IndicatorParamsOutput
from .instrument_output import InstrumentOutput
from .instrument_output_kind_enum import InstrumentOutputKindEnum
from .instrument_output_status_enum import InstrumentOutputStatusEnum
from .instruments_candles_interval import InstrumentsCandlesInterval
from .instruments_indicators_interval import InstrumentsIndicatorsInterval
from .instruments_indicators_name import InstrumentsIndicatorsName
from .instruments_list_kind import InstrumentsListKind
from .instruments_list_status import InstrumentsListStatus
from .isolated_margin_input_request import IsolatedMarginInputRequest
from .journal_entry_kind_enum import JournalEntryKindEnum
from .ledger_line_output import LedgerLineOutput
from .ledger_list_type import LedgerListType
from .leverage_input_request import LeverageInputRequest
from .leverage_output import LeverageOutput
from .liquidity_enum import LiquidityEnum
from .macd_point import MacdPoint
from .margin_mode_enum import MarginModeEnum
from .margin_mode_input_request import MarginModeInputRequest
from .margin_tier_output import MarginTierOutput
from .method_enum import MethodEnum
from .name_enum import NameEnum
from .notification_kind_enum import NotificationKindEnum
from .notification_output import NotificationOutput
from .notification_read_all_output import NotificationReadAllOutput
from .oco_output import OcoOutput
from .oco_place_input_request import OcoPlaceInputRequest
from .option_type_enum import OptionTypeEnum
from .order_book_output import OrderBookOutput
from .order_cancel_all_output import OrderCancelAllOutput
from .order_output import OrderOutput
from .order_place_input_request import OrderPlaceInputRequest
from .order_preview_output import OrderPreviewOutput
from .order_role_enum import OrderRoleEnum
from .order_side_enum import OrderSideEnum
from .order_status_enum import OrderStatusEnum
from .order_type_enum import OrderTypeEnum
from .orders_list_status import OrdersListStatus
from .paginated_account_ledger_line_output_list import PaginatedAccountLedgerLineOutputList
from .paginated_api_key_output_list import PaginatedApiKeyOutputList
from .paginated_fill_output_list import PaginatedFillOutputList
from .paginated_glossary_term_output_list import PaginatedGlossaryTermOutputList
from .paginated_guide_output_list import PaginatedGuideOutputList
from .paginated_instrument_output_list import PaginatedInstrumentOutputList
from .paginated_ledger_line_output_list import PaginatedLedgerLineOutputList
from .paginated_notification_output_list import PaginatedNotificationOutputList
from .paginated_order_output_list import PaginatedOrderOutputList
from .patched_order_amend_input_request import PatchedOrderAmendInputRequest
from .patched_profile_update_input_request import PatchedProfileUpdateInputRequest
from .perfect_short_output import PerfectShortOutput
from .point_output import PointOutput
from .position_costs_output import PositionCostsOutput
from .position_output import PositionOutput
from .position_side_enum import PositionSideEnum
from .preview_warning_output import PreviewWarningOutput
from .profile_output import ProfileOutput
from .progress_output import ProgressOutput
from .question_output import QuestionOutput
from .question_output_kind_enum import QuestionOutputKindEnum
from .question_result_output import QuestionResultOutput
from .quiz_answers_input_request import QuizAnswersInputRequest
from .quiz_answers_input_request_answers import QuizAnswersInputRequestAnswers
from .quiz_attempt_output import QuizAttemptOutput
from .quiz_output import QuizOutput
from .quiz_summary_output import QuizSummaryOutput
from .read_output import ReadOutput
from .run_costs_output import RunCostsOutput
from .run_result_output import RunResultOutput
from .run_speed_input_request import RunSpeedInputRequest
from .run_start_input_request import RunStartInputRequest
from .run_state_output import RunStateOutput
from .run_state_output_instruments import RunStateOutputInstruments
from .run_state_output_instruments_additional_property import RunStateOutputInstrumentsAdditionalProperty
from .run_state_output_speeds import RunStateOutputSpeeds
from .scenario_interval_enum import ScenarioIntervalEnum
from .scenario_order_input_kind_enum import ScenarioOrderInputKindEnum
from .scenario_order_input_request import ScenarioOrderInputRequest
from .scenario_output import ScenarioOutput
from .scenario_output_speeds import ScenarioOutputSpeeds
from .scenario_run_output import ScenarioRunOutput
from .scenario_run_output_status_enum import ScenarioRunOutputStatusEnum
from .scope_enum import ScopeEnum
from .sentiment_output import SentimentOutput
from .side_enum import SideEnum
from .swing_enum import SwingEnum
from .ticker_output import TickerOutput
from .time_in_force_enum import TimeInForceEnum
from .trade_list_output import TradeListOutput
from .trade_output import TradeOutput
from .trigger_by_enum import TriggerByEnum
from .try_it_output import TryItOutput
from .type_enum import TypeEnum
from .value_point import ValuePoint
from .whale_trade_output import WhaleTradeOutput

__all__ = (
    "AccountEquityCurveRange",
    "AccountLedgerLineOutput",
    "AccountLedgerListKind",
    "AccountOutput",
    "AccountResetInputRequest",
    "ApiKeyCreatedOutput",
    "ApiKeyCreateInputRequest",
    "ApiKeyOutput",
    "AttachedOrderOutput",
    "BollingerPoint",
    "BookLevelOutput",
    "BreakdownOutput",
    "BreakdownOutputTerms",
    "CandleIntervalEnum",
    "CandleListOutput",
    "CandleOutput",
    "CategoryOutput",
    "ChoiceOutput",
    "ComparisonOutput",
    "CounterpartyEnum",
    "EquityCurveOutput",
    "EquityPointOutput",
    "Error",
    "ErrorBody",
    "ErrorBodyFields",
    "ErrorBodyFieldsAdditionalPropertyType1",
    "ExitInputRequest",
    "FibonacciLevelOutput",
    "FibonacciOutput",
    "FillOutput",
    "FundingRateOutput",
    "GlossaryTermOutput",
    "GreeksOutput",
    "GuideDetailOutput",
    "GuideOutput",
    "GuideProgressOutput",
    "IndicatorOutput",
    "IndicatorParamsOutput",
    "InstrumentOutput",
    "InstrumentOutputKindEnum",
    "InstrumentOutputStatusEnum",
    "InstrumentsCandlesInterval",
    "InstrumentsIndicatorsInterval",
    "InstrumentsIndicatorsName",
    "InstrumentsListKind",
    "InstrumentsListStatus",
    "IsolatedMarginInputRequest",
    "JournalEntryKindEnum",
    "LedgerLineOutput",
    "LedgerListType",
    "LeverageInputRequest",
    "LeverageOutput",
    "LiquidityEnum",
    "MacdPoint",
    "MarginModeEnum",
    "MarginModeInputRequest",
    "MarginTierOutput",
    "MethodEnum",
    "NameEnum",
    "NotificationKindEnum",
    "NotificationOutput",
    "NotificationReadAllOutput",
    "OcoOutput",
    "OcoPlaceInputRequest",
    "OptionTypeEnum",
    "OrderBookOutput",
    "OrderCancelAllOutput",
    "OrderOutput",
    "OrderPlaceInputRequest",
    "OrderPreviewOutput",
    "OrderRoleEnum",
    "OrderSideEnum",
    "OrdersListStatus",
    "OrderStatusEnum",
    "OrderTypeEnum",
    "PaginatedAccountLedgerLineOutputList",
    "PaginatedApiKeyOutputList",
    "PaginatedFillOutputList",
    "PaginatedGlossaryTermOutputList",
    "PaginatedGuideOutputList",
    "PaginatedInstrumentOutputList",
    "PaginatedLedgerLineOutputList",
    "PaginatedNotificationOutputList",
    "PaginatedOrderOutputList",
    "PatchedOrderAmendInputRequest",
    "PatchedProfileUpdateInputRequest",
    "PerfectShortOutput",
    "PointOutput",
    "PositionCostsOutput",
    "PositionOutput",
    "PositionSideEnum",
    "PreviewWarningOutput",
    "ProfileOutput",
    "ProgressOutput",
    "QuestionOutput",
    "QuestionOutputKindEnum",
    "QuestionResultOutput",
    "QuizAnswersInputRequest",
    "QuizAnswersInputRequestAnswers",
    "QuizAttemptOutput",
    "QuizOutput",
    "QuizSummaryOutput",
    "ReadOutput",
    "RunCostsOutput",
    "RunResultOutput",
    "RunSpeedInputRequest",
    "RunStartInputRequest",
    "RunStateOutput",
    "RunStateOutputInstruments",
    "RunStateOutputInstrumentsAdditionalProperty",
    "RunStateOutputSpeeds",
    "ScenarioIntervalEnum",
    "ScenarioOrderInputKindEnum",
    "ScenarioOrderInputRequest",
    "ScenarioOutput",
    "ScenarioOutputSpeeds",
    "ScenarioRunOutput",
    "ScenarioRunOutputStatusEnum",
    "ScopeEnum",
    "SentimentOutput",
    "SideEnum",
    "SwingEnum",
    "TickerOutput",
    "TimeInForceEnum",
    "TradeListOutput",
    "TradeOutput",
    "TriggerByEnum",
    "TryItOutput",
    "TypeEnum",
    "ValuePoint",
    "WhaleTradeOutput",
)
