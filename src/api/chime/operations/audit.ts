import type { ChimeOperation } from '../context.js';
import { toAuditEvent } from '../presenters.js';

export const ListAuditEvents: ChimeOperation<'ListAuditEvents'> = async (input, { services, actor }) => {
  const page = await services.audit.listAuditEvents(actor, input.AccountId, {
    userId: input.UserId,
    principal: input.Principal,
    operation: input.OperationName,
    from: input.StartTime === undefined ? undefined : new Date(input.StartTime),
    to: input.EndTime === undefined ? undefined : new Date(input.EndTime),
    maxResults: input.MaxResults ?? 100,
    nextToken: input.NextToken,
  });
  return { AuditEvents: page.items.map(toAuditEvent), ...(page.nextToken && { NextToken: page.nextToken }) };
};

export const ListInstallationAuditEvents: ChimeOperation<'ListInstallationAuditEvents'> = async (
  input,
  { services, actor },
) => {
  const page = await services.audit.listInstallationAuditEvents(actor, {
    allAccounts: input.Scope === 'All',
    userId: input.UserId,
    principal: input.Principal,
    operation: input.OperationName,
    from: input.StartTime === undefined ? undefined : new Date(input.StartTime),
    to: input.EndTime === undefined ? undefined : new Date(input.EndTime),
    maxResults: input.MaxResults ?? 100,
    nextToken: input.NextToken,
  });
  return { AuditEvents: page.items.map(toAuditEvent), ...(page.nextToken && { NextToken: page.nextToken }) };
};
