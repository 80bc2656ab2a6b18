import type { ChimeOperation } from '../context.js';
import { toChimePhoneNumber, toChimePhoneNumberError, toChimePhoneOrder } from '../presenters.js';

export const SearchAvailablePhoneNumbers: ChimeOperation<'SearchAvailablePhoneNumbers'> = async (
  input,
  { services, actor },
) => {
  const page = await services.phoneOrders.searchAvailablePhoneNumbers(actor, {
    areaCode: input.AreaCode,
    city: input.City,
    state: input.State,
    country: input.Country,
    tollFreePrefix: input.TollFreePrefix,
    type: input.PhoneNumberType,
    maxResults: input.MaxResults ?? 100,
    nextToken: input.NextToken,
  });
  return {
    E164PhoneNumbers: page.items.map((n) => n.id),
    ...(page.nextToken && { NextToken: page.nextToken }),
  };
};

export const ListSupportedPhoneNumberCountries: ChimeOperation<'ListSupportedPhoneNumberCountries'> = async (
  input,
  { services, actor },
) => ({
  PhoneNumberCountries: services.phoneOrders
    .supportedCountries(actor, input.ProductType)
    .map((c) => ({ CountryCode: c.country, SupportedPhoneNumberTypes: c.types })),
});

export const CreatePhoneNumberOrder: ChimeOperation<'CreatePhoneNumberOrder'> = async (
  input,
  { services, actor },
) => {
  const order = await services.phoneOrders.createPhoneNumberOrder(actor, {
    productType: input.ProductType,
    numbers: input.E164PhoneNumbers,
  });
  return { PhoneNumberOrder: toChimePhoneOrder(order) };
};

export const GetPhoneNumberOrder: ChimeOperation<'GetPhoneNumberOrder'> = async (
  input,
  { services, actor },
) => ({
  PhoneNumberOrder: toChimePhoneOrder(
    await services.phoneOrders.getPhoneNumberOrder(actor, input.PhoneNumberOrderId),
  ),
});

export const ListPhoneNumberOrders: ChimeOperation<'ListPhoneNumberOrders'> = async (
  input,
  { services, actor },
) => {
  const page = await services.phoneOrders.listPhoneNumberOrders(actor, {
    maxResults: input.MaxResults ?? 99,
    nextToken: input.NextToken,
  });
  return {
    PhoneNumberOrders: page.items.map(toChimePhoneOrder),
    ...(page.nextToken && { NextToken: page.nextToken }),
  };
};

export const ListPhoneNumbers: ChimeOperation<'ListPhoneNumbers'> = async (input, { services, actor }) => {
  const page = await services.phoneNumbers.listPhoneNumbers(actor, {
    status: input.Status,
    productType: input.ProductType,
    filter: input.FilterName && { name: input.FilterName, value: input.FilterValue ?? '' },
    maxResults: input.MaxResults ?? 99,
    nextToken: input.NextToken,
  });
  return {
    PhoneNumbers: page.items.map(toChimePhoneNumber),
    ...(page.nextToken && { NextToken: page.nextToken }),
  };
};

export const GetPhoneNumber: ChimeOperation<'GetPhoneNumber'> = async (input, { services, actor }) => ({
  PhoneNumber: toChimePhoneNumber(await services.phoneNumbers.getPhoneNumber(actor, input.PhoneNumberId)),
});

export const UpdatePhoneNumber: ChimeOperation<'UpdatePhoneNumber'> = async (input, { services, actor }) => ({
  PhoneNumber: toChimePhoneNumber(
    await services.phoneNumbers.updatePhoneNumber(actor, input.PhoneNumberId, {
      productType: input.ProductType,
      callingName: input.CallingName,
    }),
  ),
});

export const BatchUpdatePhoneNumber: ChimeOperation<'BatchUpdatePhoneNumber'> = async (
  input,
  { services, actor },
) => {
  const failures = await services.phoneNumbers.batchUpdatePhoneNumbers(
    actor,
    input.UpdatePhoneNumberRequestItems.map((item) => ({
      phoneNumberId: item.PhoneNumberId,
      productType: item.ProductType,
      callingName: item.CallingName,
    })),
  );
  return { PhoneNumberErrors: failures.map(toChimePhoneNumberError) };
};

// 204 per the model.
export const DeletePhoneNumber: ChimeOperation<'DeletePhoneNumber'> = async (input, { services, actor }) => {
  await services.phoneNumbers.deletePhoneNumber(actor, input.PhoneNumberId);
  return {};
};

export const BatchDeletePhoneNumber: ChimeOperation<'BatchDeletePhoneNumber'> = async (
  input,
  { services, actor },
) => {
  const failures = await services.phoneNumbers.batchDeletePhoneNumbers(actor, input.PhoneNumberIds);
  return { PhoneNumberErrors: failures.map(toChimePhoneNumberError) };
};

export const RestorePhoneNumber: ChimeOperation<'RestorePhoneNumber'> = async (
  input,
  { services, actor },
) => ({
  PhoneNumber: toChimePhoneNumber(await services.phoneNumbers.restorePhoneNumber(actor, input.PhoneNumberId)),
});

export const AssociatePhoneNumberWithUser: ChimeOperation<'AssociatePhoneNumberWithUser'> = async (
  input,
  { services, actor },
) => {
  await services.phoneAssignment.associatePhoneNumberWithUser(
    actor,
    input.AccountId,
    input.UserId,
    input.E164PhoneNumber,
  );
  return {};
};

export const DisassociatePhoneNumberFromUser: ChimeOperation<'DisassociatePhoneNumberFromUser'> = async (
  input,
  { services, actor },
) => {
  await services.phoneAssignment.disassociatePhoneNumberFromUser(actor, input.AccountId, input.UserId);
  return {};
};

export const GetPhoneNumberSettings: ChimeOperation<'GetPhoneNumberSettings'> = async (
  _input,
  { services, actor },
) => {
  const s = await services.phoneSettings.getPhoneNumberSettings(actor);
  return {
    ...(s.callingName !== undefined && { CallingName: s.callingName }),
    ...(s.callingNameUpdatedAt !== undefined && { CallingNameUpdatedTimestamp: s.callingNameUpdatedAt }),
  };
};

// 204 per the model.
export const UpdatePhoneNumberSettings: ChimeOperation<'UpdatePhoneNumberSettings'> = async (
  input,
  { services, actor },
) => {
  await services.phoneSettings.updatePhoneNumberSettings(actor, input.CallingName);
  return {};
};

export const GetGlobalSettings: ChimeOperation<'GetGlobalSettings'> = async (_input, { services, actor }) => {
  const s = await services.phoneSettings.getGlobalSettings(actor);
  return {
    BusinessCalling: {
      ...(s.businessCallingCdrBucket !== undefined && { CdrBucket: s.businessCallingCdrBucket }),
    },
    VoiceConnector: {
      ...(s.voiceConnectorCdrBucket !== undefined && { CdrBucket: s.voiceConnectorCdrBucket }),
    },
  };
};

// 204 per the model.
export const UpdateGlobalSettings: ChimeOperation<'UpdateGlobalSettings'> = async (
  input,
  { services, actor },
) => {
  await services.phoneSettings.updateGlobalSettings(actor, {
    businessCallingCdrBucket: input.BusinessCalling?.CdrBucket,
    voiceConnectorCdrBucket: input.VoiceConnector?.CdrBucket,
  });
  return {};
};

export const ImportPhoneNumbers: ChimeOperation<'ImportPhoneNumbers'> = async (
  input,
  { services, actor },
) => {
  const result = await services.phoneNumbers.importPhoneNumbers(actor, {
    productType: input.ProductType,
    numbers: input.E164PhoneNumbers,
  });
  return { ImportedPhoneNumbers: result.imported, AlreadyOwnedPhoneNumbers: result.alreadyOwned };
};
