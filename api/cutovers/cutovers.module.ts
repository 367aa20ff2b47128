import { Module } from '@nestjs/common';
import { OnboardingsModule } from '../onboardings/onboardings.module';
import { CutoversController } from './cutovers.controller';
import { CutoversService } from './cutovers.service';

@Module({ imports: [OnboardingsModule], controllers: [CutoversController], providers: [CutoversService] })
export class CutoversModule {}
