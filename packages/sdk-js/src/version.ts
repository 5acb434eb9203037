/** The SDK's name and version as it reports them in heartbeats. */
export const SDK_NAME = '@runtime-hub/sdk';
export const SDK_VERSION = '0.1.0';
