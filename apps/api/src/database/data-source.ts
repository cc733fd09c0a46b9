// For the TypeORM CLI only (migration:generate / migration:run by hand); the app uses DatabaseModule.
import { DataSource } from 'typeorm';
import { processEnv } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export default new DataSource({
  type: 'postgres',
  url: processEnv().DATABASE_URL,
  entities: ENTITIES,
  migrations: MIGRATIONS,
});
