// `pulumi refresh` on the lab's state: the provider's Read for each resource. The remote Command
// and CopyToRemote implement no Read (pulumi-command@v1.2.1 provider/pkg/provider/remote/
// commandController.go and copyController.go declare CustomResource, CustomUpdate, CustomDelete and
// Check only; pulumi-go-provider then answers Read with the recorded state), so a refresh dials
// nothing, sees no drift on any host and changes nothing. The tls resources read their recorded
// state the same way here. It takes no Transport: there is nothing it could dial.
import { readDeployState, DEPLOY_STATE_FILE, type ResourceRecord } from "./state";

export interface RefreshResult {
  /** Every recorded resource, as recorded (outputs included). */
  resources: ResourceRecord[];
  /** Resources whose Read changed something: always none. */
  changed: number;
}

/** The identity read of every resource in the state; the state file is left as it is. */
export function refreshState(stateFile = DEPLOY_STATE_FILE): RefreshResult {
  const state = readDeployState(stateFile);
  return { resources: [...Object.values(state.resources), ...state.pendingDeletes], changed: 0 };
}
