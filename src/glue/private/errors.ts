/** Glue errors worth retrying: throttling and service faults, as the Step Functions SDK integration names them. */
export const GLUE_TRANSIENT_ERRORS = ['Glue.ThrottlingException', 'Glue.OperationTimeoutException', 'Glue.InternalServiceException'];
