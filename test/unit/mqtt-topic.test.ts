import assert from 'node:assert/strict';
import { topicMatches } from '../../lib/mqtt-topic';

describe('mqtt-topic: topicMatches', () => {
  it('exact topics match only themselves (case-sensitive)', () => {
    assert.equal(topicMatches('energy/ek1/G1/telemetry', 'energy/ek1/G1/telemetry'), true);
    assert.equal(topicMatches('energy/ek1/G1/telemetry', 'energy/ek1/G2/telemetry'), false);
    assert.equal(topicMatches('Energy/ek1/G1/telemetry', 'energy/ek1/G1/telemetry'), false);
  });

  it('+ matches exactly one level', () => {
    const f = 'energy/+/+/telemetry'; // 4 levels
    assert.equal(topicMatches(f, 'energy/ek1/G1/telemetry'), true);
    assert.equal(topicMatches(f, 'energy/ek1/G1/status'), false);
    assert.equal(topicMatches(f, 'energy/ek1/telemetry'), false); // 3 levels
    assert.equal(topicMatches(f, 'energy/ek1/G1/x/telemetry'), false); // 5 levels
    assert.equal(topicMatches(f, 'energy/ek1//telemetry'), true); // + matches an empty level
    assert.equal(topicMatches('energy/+', 'energy'), false); // + needs its level
    assert.equal(topicMatches('energy/+', 'energy/'), true); // … which may be empty
  });

  it('# matches the parent and any number of levels below', () => {
    assert.equal(topicMatches('energy/#', 'energy'), true); // MQTT 3.1.1 §4.7.1.2: "sport/#" matches "sport"
    assert.equal(topicMatches('energy/#', 'energy/ek1'), true);
    assert.equal(topicMatches('energy/#', 'energy/ek1/G1/telemetry'), true);
    assert.equal(topicMatches('energy/#', 'energies/ek1'), false);
    assert.equal(topicMatches('energy/ek1/#', 'energy/ek2/G1/telemetry'), false);
    assert.equal(topicMatches('energy/+/G1/#', 'energy/ek1/G1/telemetry'), true);
    assert.equal(topicMatches('#', 'energy/ek1/G1/telemetry'), true);
  });

  it('a filter starting with a wildcard does not match $ topics (§4.7.2)', () => {
    assert.equal(topicMatches('#', '$SYS/broker/uptime'), false);
    assert.equal(topicMatches('+/broker/uptime', '$SYS/broker/uptime'), false);
    assert.equal(topicMatches('$SYS/#', '$SYS/broker/uptime'), true);
    assert.equal(topicMatches('$SYS/+/uptime', '$SYS/broker/uptime'), true);
  });
});
