// One instance of the fleet: the service as start.ts runs it, plus the in-process counter (the pitfall).
import { loadConfig } from '../../config/config.js';
import { startService } from '../../service/service.js';
import { naiveVisitCounter } from '../in-process-state.js';

await startService(loadConfig(), { handleSignals: true, extraRoutes: () => naiveVisitCounter() });
