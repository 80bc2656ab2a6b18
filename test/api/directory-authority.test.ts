import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdateUserCommand,
  ForbiddenException,
  GetUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import type { AccountType } from '../../src/store/accounts.js';
import { signedUpMember } from '../helpers/members.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * In a directory account the directory is the authority (issue 13 item 6): a manual tier change
 * and a manual suspension or restore are refused with the directory action to take instead. The
 * account is made a directory account by its row (connecting a directory is built elsewhere).
 */
const WHERE: Array<[AccountType, string]> = [
  ['EnterpriseDirectory', 'Active Directory'],
  ['EnterpriseOIDC', 'your identity provider'],
];

await eachDialect('directory accounts refuse manual tiers and suspensions', (server) => {
  for (const [type, where] of WHERE)
    it(`refuses UpdateUser, BatchUpdateUser, BatchSuspendUser and BatchUnsuspendUser in an ${type} account, naming what to do in ${where}`, async () => {
      const chime = server().client();
      const member = await signedUpMember(server(), { type });
      const { accountId: AccountId, userId: UserId } = member;
      const tierAction = new RegExp(
        `${type} account.*groups in ${where}: add them to a group mapped to the tier \\(belfry directory groups\\)`,
      );

      await rejectsWith(
        chime.send(new UpdateUserCommand({ AccountId, UserId, LicenseType: 'Basic' })),
        ForbiddenException,
        tierAction,
      );
      const batch = await chime.send(
        new BatchUpdateUserCommand({
          AccountId,
          UpdateUserRequestItems: [{ UserId, LicenseType: 'Basic' }],
        }),
      );
      assert.equal(batch.UserErrors?.length, 1);
      assert.equal(batch.UserErrors![0]!.ErrorCode, 'Forbidden');
      assert.match(batch.UserErrors![0]!.ErrorMessage ?? '', tierAction);
      // The same tier as now is no change, and other fields stay the admin's.
      await chime.send(
        new UpdateUserCommand({ AccountId, UserId, LicenseType: 'Pro', UserType: 'PrivateUser' }),
      );

      const suspend = await chime.send(new BatchSuspendUserCommand({ AccountId, UserIdList: [UserId] }));
      assert.equal(suspend.UserErrors?.[0]?.ErrorCode, 'Forbidden');
      assert.match(
        suspend.UserErrors?.[0]?.ErrorMessage ?? '',
        new RegExp(`suspend the user in ${where} .*or remove them from every tier group`),
      );
      await rejectsWith(
        chime.send(new BatchUnsuspendUserCommand({ AccountId, UserIdList: [UserId] })),
        BadRequestException,
        new RegExp(`restore the user in ${where} \\(enable them and add them to a tier group\\)`),
      );

      const { User } = await chime.send(new GetUserCommand({ AccountId, UserId }));
      assert.equal(User?.LicenseType, 'Pro', 'nothing changed');
      assert.equal(User?.UserRegistrationStatus, 'Registered');
    });
});
