import { formatUtc, specOf, type VaultSettingChange, type VaultSettingRequest } from '../../restore';
import type { Fact } from '../views';

/** "Enable Cross Region Restore (Disabled → Enabled)": what the change does, in the words of the button. */
export function changeText(change: VaultSettingChange, from?: string): string {
  const spec = specOf(change);
  return from ? `${spec.label} (${from} → ${change.to})` : `${spec.label} (→ ${change.to})`;
}

/** What every copy of a vault-setting approval card says about the request (and `status` shows). */
export function vaultSettingFacts(request: VaultSettingRequest): Fact[] {
  const spec = specOf(request.change);
  const checked = request.validation
    ? `Vault read at ${formatUtc(request.validation.checkedAt)}: the change is possible`
    : 'not run';
  return [
    { label: 'Request', value: request.id },
    { label: 'Requested by', value: request.requester.displayName },
    { label: 'Vault', value: `${request.vault.name} (${request.vault.location})` },
    { label: 'Change', value: changeText(request.change) },
    { label: 'Reversible', value: spec.irreversible ? 'No: this cannot be undone' : 'Yes' },
    { label: 'Checks', value: checked },
    ...(request.expiresAt ? [{ label: 'Expires', value: formatUtc(request.expiresAt) }] : []),
  ];
}

/** The sentence under the card's title while it waits for approvers. */
export function vaultSettingAsk(request: VaultSettingRequest): string {
  const spec = specOf(request.change);
  return `${request.requester.displayName} asks to ${spec.label.charAt(0).toLowerCase()}${spec.label.slice(1)} on ${request.vault.name}.`;
}
