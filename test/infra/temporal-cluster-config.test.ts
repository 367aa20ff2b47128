/**
 * The cluster launcher's config and ports, without starting a server (npm run test:cluster
 * starts one). The membership table keeps a port in a PostgreSQL smallint: a port above 32767
 * stops a service at its start, which a random free port often is.
 */
import { clusterConfig, servicePorts, TEMPORAL_SERVICES } from '../../src/infra/temporal-cluster';

const pg = { host: '127.0.0.1', port: 5439, user: 'onboarding', password: 'secret' };

it('gives each service its own gRPC and membership ports, membership ones within a smallint', async () => {
  const ports = await servicePorts();
  const all = TEMPORAL_SERVICES.flatMap((s) => [ports[s].grpc, ports[s].membership]);
  expect(new Set([...all, ports.frontend.http]).size).toBe(all.length + 1);
  for (const s of TEMPORAL_SERVICES) expect(ports[s].membership).toBeLessThanOrEqual(32_767);
});

it('puts persistence and visibility on PostgreSQL and names the frontend as the cluster address', async () => {
  const ports = await servicePorts();
  const config = clusterConfig(
    pg,
    { persistence: 'temporal', visibility: 'temporal_visibility' },
    ports,
    4,
    '/x/dc.yaml',
  );
  const stores = config.persistence.datastores;
  expect(stores['postgres-default'].sql).toMatchObject({
    pluginName: 'postgres12',
    databaseName: 'temporal',
    connectAddr: '127.0.0.1:5439',
  });
  expect(stores['postgres-visibility'].sql).toMatchObject({
    pluginName: 'postgres12',
    databaseName: 'temporal_visibility',
  });
  expect(config.persistence.numHistoryShards).toBe(4);
  expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe(`127.0.0.1:${ports.frontend.grpc}`);
  expect(Object.keys(config.services).sort()).toEqual([...TEMPORAL_SERVICES].sort());
  expect(config.services.frontend.rpc).toMatchObject({ grpcPort: ports.frontend.grpc, httpPort: ports.frontend.http });
  expect(config.services.history.rpc).not.toHaveProperty('httpPort');
  // The server reads YAML; JSON is YAML, so what is written parses back as the same object.
  expect(JSON.parse(JSON.stringify(config))).toEqual(config);
});
