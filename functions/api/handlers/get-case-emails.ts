import { apiHandler } from '../lambda-entry';
import { queryOperations } from '../operations/queries';
import { getCaseEmails } from '../routes/get-case-emails';

/** GET /cases/{id}/emails: the emails recorded about a case. */
export const handler = apiHandler(getCaseEmails, (deps) => queryOperations(deps).getCaseEmails);
