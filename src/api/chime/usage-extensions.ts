import type { OperationSpec, Schema } from './model-types.js';

/**
 * Usage and billing (issue 17; README "Usage and billing"): an account's monthly usage report and
 * its billing time zone, under `/accounts/{AccountId}/usage-reports` and `/billing-settings`,
 * paths no Chime operation uses. Reading needs any policy (a ReadOnly key may read reports);
 * setting the zone is the operator's, as it moves meetings between months.
 */
export const usageOperations = {
  GetAccountUsageReport: {
    name: 'GetAccountUsageReport',
    method: 'GET',
    uri: '/accounts/{AccountId}/usage-reports/{Month}',
    code: 200,
    input: 'GetAccountUsageReportRequest',
    output: 'GetAccountUsageReportResponse',
    errors: [],
  },
  GetAccountBillingSettings: {
    name: 'GetAccountBillingSettings',
    method: 'GET',
    uri: '/accounts/{AccountId}/billing-settings',
    code: 200,
    input: 'AccountBillingSettingsRequest',
    output: 'AccountBillingSettingsResponse',
    errors: [],
  },
  UpdateAccountBillingSettings: {
    name: 'UpdateAccountBillingSettings',
    method: 'PUT',
    uri: '/accounts/{AccountId}/billing-settings',
    code: 200,
    input: 'UpdateAccountBillingSettingsRequest',
    output: 'AccountBillingSettingsResponse',
    errors: [],
  },
} as const satisfies Record<string, OperationSpec>;

const accountLabel = { target: 'NonEmptyString', required: true, location: 'label' } as const;

export const usageSchemas: Readonly<Record<string, Schema>> = {
  GetAccountUsageReportRequest: {
    kind: 'structure',
    members: {
      AccountId: accountLabel,
      Month: { target: 'UsageMonth', required: true, location: 'label' },
      Format: { target: 'UsageReportFormat', location: 'query', locationName: 'format' },
    },
  },
  UsageMonth: { kind: 'string', min: 7, max: 7, pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
  UsageReportFormat: { kind: 'enum', values: ['json', 'csv'] },
  AccountBillingSettingsRequest: { kind: 'structure', members: { AccountId: accountLabel } },
  UpdateAccountBillingSettingsRequest: {
    kind: 'structure',
    members: { AccountId: accountLabel, TimeZone: { target: 'BillingTimeZone', required: true } },
  },
  BillingTimeZone: { kind: 'string', min: 1, max: 64 },
};

export interface UsageDayLine {
  Day: string;
  MeetingId: string;
}

export interface UsageReportUser {
  UserId: string;
  PrimaryEmail?: string;
  DisplayName?: string;
  BillableDays: UsageDayLine[];
  UncappedCents: number;
  ChargedCents: number;
}

export interface UsageAdjustment {
  ForMonth: string;
  UserId: string;
  PrimaryEmail?: string;
  DisplayName?: string;
  Cents: number;
  DaysAdded: UsageDayLine[];
  DaysRemoved: UsageDayLine[];
}

export interface UsageReportWire {
  AccountId: string;
  Month: string;
  TimeZone: string;
  Currency: string;
  Status: 'Open' | 'Closed';
  ClosesTimestamp: string;
  ClosedTimestamp?: string;
  DailyPriceCents: number;
  MonthlyCapCents: number;
  MinimumMeetingMinutes: number;
  Users: UsageReportUser[];
  Adjustments: UsageAdjustment[];
  UsersCents: number;
  AdjustmentsCents: number;
  TotalCents: number;
}

export interface BillingSettingsWire {
  AccountId: string;
  TimeZone: string;
  Currency: string;
  DailyPriceCents: number;
  MonthlyCapCents: number;
  MinimumMeetingMinutes: number;
  CloseAfterDays: number;
}

export interface UsageIO {
  GetAccountUsageReport: {
    input: { AccountId: string; Month: string; Format?: 'json' | 'csv' };
    /** `Csv` instead of the structure when Format is csv */
    output: { UsageReport?: UsageReportWire; Csv?: string };
  };
  GetAccountBillingSettings: {
    input: { AccountId: string };
    output: { BillingSettings?: BillingSettingsWire };
  };
  UpdateAccountBillingSettings: {
    input: { AccountId: string; TimeZone: string };
    output: { BillingSettings?: BillingSettingsWire };
  };
}
